// Hono API: hono/cors with its default origin '*' and cookies.
import { Hono } from 'hono'
import { cors } from 'hono/cors'

const app = new Hono()

// Without `origin`, hono/cors sends 'Access-Control-Allow-Origin: *' even with
// credentials: true, and browsers refuse every credentialed request.
app.use('/api/*', cors({ credentials: true, maxAge: 600 })) // expect: CORS201

app.get('/api/items', (c) => c.json({ items: [] }))

export default app
