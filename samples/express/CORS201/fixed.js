// Express API: cors() naming the front-end origin, with cookies.
const express = require('express');
const cors = require('cors');

const app = express();

app.use(cors({
  origin: ['https://app.example.com'],
  credentials: true,
  maxAge: 600,
}));

app.get('/api/items', (req, res) => res.json({ items: [] }));

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
