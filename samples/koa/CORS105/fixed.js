// Koa API: @koa/cors with cookies, for the sites it trusts only.
const Koa = require('koa');
const cors = require('@koa/cors');

const allowed = ['https://app.example.com', 'https://admin.example.com'];
const app = new Koa();

// @koa/cors has no allowlist option: the origin function returns the Origin
// only when it is listed; for any other site it returns '' and no CORS
// header is sent.
app.use(cors({
  origin: (ctx) => (allowed.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''),
  credentials: true,
  maxAge: 600,
}));

app.use((ctx) => {
  if (ctx.path === '/api/items') ctx.body = { items: [] };
});

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
