// Express API: cors() echoing every origin, with cookies.
const express = require('express');
const cors = require('cors');

const app = express();

// origin: true reflects whatever Origin arrives ('null' included).
app.use(cors({
  origin: true, // expect: CORS105
  credentials: true,
  maxAge: 600,
}));

app.get('/api/items', (req, res) => res.json({ items: [] }));

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
