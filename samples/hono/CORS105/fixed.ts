// Hono API: hono/cors echoing only the listed origins, with cookies.
import { Hono } from 'hono'
import { cors } from 'hono/cors'

const app = new Hono()

app.use('/api/*', cors({
  origin: ['https://app.example.com', 'https://admin.example.com'],
  credentials: true,
  maxAge: 600,
}))

app.get('/api/items', (c) => c.json({ items: [] }))

export default app
