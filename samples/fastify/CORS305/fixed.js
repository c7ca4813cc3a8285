// Fastify API: a PUT route, with PUT named in @fastify/cors's methods.
const fastify = require('fastify')({ logger: true })
const cors = require('@fastify/cors')

fastify.register(cors, {
  origin: ['https://app.example.com'],
  methods: ['GET', 'HEAD', 'POST', 'PUT'],
  maxAge: 600,
})

fastify.get('/api/items', async () => ({ items: [] }))
fastify.put('/api/items', async () => ({ saved: true }))

module.exports = fastify
if (require.main === module) fastify.listen({ port: Number(process.env.PORT) || 3000 })
