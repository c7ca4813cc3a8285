// Koa API: subdomains of example.com, checked with an anchored RegExp.
const Koa = require('koa');
const cors = require('@koa/cors');

const app = new Koa();

// Anchored at both ends, dots escaped, https only.
app.use(cors({
  origin: (ctx) => (/^https:\/\/[a-z0-9-]+\.example\.com$/.test(ctx.get('Origin')) ? ctx.get('Origin') : ''),
  credentials: true,
}));

app.use((ctx) => {
  if (ctx.path === '/api/items') ctx.body = { items: [] };
});

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
