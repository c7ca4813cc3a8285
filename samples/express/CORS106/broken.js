// Express API: an origin RegExp with no anchors.
const express = require('express');
const cors = require('cors');

const app = express();

// RegExp.test() searches anywhere: https://example.com.evil.example matches.
app.use(cors({
  origin: /example\.com/, // expect: CORS106
  maxAge: 600,
}));

app.get('/api/items', (req, res) => res.json({ items: [] }));

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
