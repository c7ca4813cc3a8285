// Express API: cors() echoing only the listed origins, with cookies.
const express = require('express');
const cors = require('cors');

const app = express();

const allowedOrigins = ['https://app.example.com', 'https://admin.example.com'];

app.use(cors({
  origin: allowedOrigins,
  credentials: true,
  maxAge: 600,
}));

app.get('/api/items', (req, res) => res.json({ items: [] }));

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
