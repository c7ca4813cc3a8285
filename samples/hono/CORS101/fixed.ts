// Hono API: every front-end origin listed as the browser sends it.
import { Hono } from 'hono'
import { cors } from 'hono/cors'

const app = new Hono()

app.use('/api/*', cors({
  origin: ['https://example.com', 'https://app.example.com', 'https://admin.example.com'],
  maxAge: 600,
}))

app.get('/api/items', (c) => c.json({ items: [] }))

export default app
