// Fastify API: an origin RegExp with no anchors.
const fastify = require('fastify')({ logger: true })
const cors = require('@fastify/cors')

// @fastify/cors calls RegExp.test(), which searches anywhere:
// https://example.com.evil.example matches.
fastify.register(cors, {
  origin: /example\.com/, // expect: CORS106
  maxAge: 600,
})

fastify.get('/api/items', async () => ({ items: [] }))

module.exports = fastify
if (require.main === module) fastify.listen({ port: Number(process.env.PORT) || 3000 })
