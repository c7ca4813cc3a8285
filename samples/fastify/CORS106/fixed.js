// Fastify API: an origin RegExp anchored at both ends.
const fastify = require('fastify')({ logger: true })
const cors = require('@fastify/cors')

fastify.register(cors, {
  origin: /^https:\/\/(app|admin)\.example\.com$/,
  maxAge: 600,
})

fastify.get('/api/items', async () => ({ items: [] }))

module.exports = fastify
if (require.main === module) fastify.listen({ port: Number(process.env.PORT) || 3000 })
