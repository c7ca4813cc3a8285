// Hono API: an origin function that checks how the Origin ends.
import { Hono } from 'hono'
import { cors } from 'hono/cors'

const app = new Hono()

// endsWith('example.com') is meant as "example.com and its subdomains", but
// https://evilexample.com ends that way too: its pages read logged-in answers.
app.use('/api/*', cors({
  origin: (origin) => (origin.endsWith('example.com') ? origin : null), // expect: CORS106
  credentials: true,
  maxAge: 600,
}))

app.get('/api/items', (c) => c.json({ items: [] }))

export default app
