// Express API: cors() with its default origin '*' and cookies.
const express = require('express');
const cors = require('cors');

const app = express();

// cors sends 'Access-Control-Allow-Origin: *' together with
// 'Access-Control-Allow-Credentials: true': browsers refuse every
// credentialed request.
app.use(cors({
  origin: '*', // expect: CORS201
  credentials: true,
  maxAge: 600,
}));

app.get('/api/items', (req, res) => res.json({ items: [] }));

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
