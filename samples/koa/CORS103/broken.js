// Koa API: an origin array given to @koa/cors, as if it were an allowlist.
const Koa = require('koa');
const cors = require('@koa/cors');

const app = new Koa();

// @koa/cors sends each entry as its own Access-Control-Allow-Origin field:
// browsers see two values and refuse every site, the listed ones included.
app.use(cors({
  origin: ['https://app.example.com', 'https://admin.example.com'], // expect: CORS103
}));

app.use((ctx) => {
  if (ctx.path === '/api/items') ctx.body = { items: [] };
});

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
