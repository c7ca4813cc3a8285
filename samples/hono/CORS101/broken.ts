// Hono API: a wildcard subdomain written into the origin array.
import { Hono } from 'hono'
import { cors } from 'hono/cors'

const app = new Hono()

// An array is compared entry by entry with ===: '*' is no wildcard there, so
// https://app.example.com never gets Access-Control-Allow-Origin.
app.use('/api/*', cors({
  origin: [
    'https://example.com',
    'https://*.example.com', // expect: CORS101
  ],
  maxAge: 600,
}))

app.get('/api/items', (c) => c.json({ items: [] }))

export default app
