// Hono API: hono/cors naming the front-end origin, with cookies.
import { Hono } from 'hono'
import { cors } from 'hono/cors'

const app = new Hono()

app.use('/api/*', cors({
  origin: 'https://app.example.com',
  credentials: true,
  maxAge: 600,
}))

app.get('/api/items', (c) => c.json({ items: [] }))

export default app
