// Hono API: an origin function that admits an exact list of sites.
import { Hono } from 'hono'
import { cors } from 'hono/cors'

const app = new Hono()

// Compare the whole Origin with the sites you trust.
const allowed = ['https://app.example.com', 'https://admin.example.com']

app.use('/api/*', cors({
  origin: (origin) => (allowed.includes(origin) ? origin : null),
  credentials: true,
  maxAge: 600,
}))

app.get('/api/items', (c) => c.json({ items: [] }))

export default app
