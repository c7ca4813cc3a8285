// Fastify API: a PUT route behind @fastify/cors's default methods.
const fastify = require('fastify')({ logger: true })
const cors = require('@fastify/cors')

// Since @fastify/cors 11 the preflight allows only GET, HEAD and POST unless
// `methods` says more: browsers refuse the cross-origin PUT below.
fastify.register(cors, { // expect: CORS305
  origin: ['https://app.example.com'],
  maxAge: 600,
})

fastify.get('/api/items', async () => ({ items: [] }))
fastify.put('/api/items', async () => ({ saved: true }))

module.exports = fastify
if (require.main === module) fastify.listen({ port: Number(process.env.PORT) || 3000 })
