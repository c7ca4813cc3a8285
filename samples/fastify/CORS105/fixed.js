// Fastify API: @fastify/cors echoing only the listed origin, with cookies.
const fastify = require('fastify')({ logger: true })
const cors = require('@fastify/cors')

// An array is compared with ===: only https://app.example.com gets its Origin back.
fastify.register(cors, {
  origin: ['https://app.example.com'],
  credentials: true,
  maxAge: 600,
})

fastify.get('/api/items', async () => ({ items: [] }))

module.exports = fastify
if (require.main === module) fastify.listen({ port: Number(process.env.PORT) || 3000 })
