// Koa API: @koa/cors with cookies and the default origin.
const Koa = require('koa');
const cors = require('@koa/cors');

const app = new Koa();

// The default origin is '*', but with credentials on @koa/cors sends back
// whatever Origin arrives ('null' included), with credentials.
app.use(cors({ credentials: true, maxAge: 600 })); // expect: CORS105

app.use((ctx) => {
  if (ctx.path === '/api/items') ctx.body = { items: [] };
});

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
