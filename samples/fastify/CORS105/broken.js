// Fastify API: @fastify/cors echoing every origin, with cookies.
const fastify = require('fastify')({ logger: true })
const cors = require('@fastify/cors')

// origin: true reflects whatever Origin arrives ('null' included).
fastify.register(cors, {
  origin: true, // expect: CORS105
  credentials: true,
  maxAge: 600,
})

fastify.get('/api/items', async () => ({ items: [] }))

module.exports = fastify
if (require.main === module) fastify.listen({ port: Number(process.env.PORT) || 3000 })
