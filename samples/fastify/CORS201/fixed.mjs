// Fastify API (ES modules): @fastify/cors naming the origin that may send cookies.
import Fastify from 'fastify'
import cors from '@fastify/cors'

const fastify = Fastify({ logger: true })

await fastify.register(cors, {
  origin: ['https://app.example.com'],
  credentials: true,
  maxAge: 600,
})

fastify.get('/api/items', async () => ({ items: [] }))

export default fastify
