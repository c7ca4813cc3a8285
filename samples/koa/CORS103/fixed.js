// Koa API: the allowlist checked by an origin function.
const Koa = require('koa');
const cors = require('@koa/cors');

const allowed = ['https://app.example.com', 'https://admin.example.com'];
const app = new Koa();

// The one origin that matched is sent back (Vary: Origin is always added).
app.use(cors({
  origin(ctx) {
    const origin = ctx.get('Origin');
    if (allowed.includes(origin)) return origin;
    return '';
  },
}));

app.use((ctx) => {
  if (ctx.path === '/api/items') ctx.body = { items: [] };
});

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
