// Fastify API (ES modules): @fastify/cors with its default origin '*' and cookies.
import Fastify from 'fastify'
import cors from '@fastify/cors'

const fastify = Fastify({ logger: true })

// @fastify/cors sends 'Access-Control-Allow-Origin: *' as is, next to
// 'Access-Control-Allow-Credentials: true': browsers refuse credentialed reads.
await fastify.register(cors, { // expect: CORS201
  credentials: true,
  maxAge: 600,
})

fastify.get('/api/items', async () => ({ items: [] }))

export default fastify
