// Express API: the origin RegExp anchored at both ends.
const express = require('express');
const cors = require('cors');

const app = express();

app.use(cors({
  origin: /^https:\/\/(app|admin)\.example\.com$/,
  maxAge: 600,
}));

app.get('/api/items', (req, res) => res.json({ items: [] }));

module.exports = app;
if (require.main === module) app.listen(process.env.PORT || 3000);
