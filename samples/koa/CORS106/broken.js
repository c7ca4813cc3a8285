// Koa API: subdomains of example.com, checked with an unanchored RegExp.
const Koa = require('koa');
const cors = require('@koa/cors');

const app = new Koa();

// RegExp.test searches anywhere in the Origin: https://app.example.com.evil.example
// and https://example.com-evil.example match too, and get credentials.
app.use(cors({
  origin: (ctx) => (/https:\/\/.*example\.com/.test(ctx.get('Origin')) ? ctx.get('Origin') : ''), // expect: CORS106
  credentials: true,
}));

app.use((ctx) => {
  if (ctx.path === '/api/items') ctx.body = { items: [] };
});

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
