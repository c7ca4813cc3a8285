// Express API: the cors middleware sends Access-Control-Allow-Origin itself.
const express = require('express');
const cors = require('cors');

const app = express();
app.use(cors({ origin: 'https://app.example.com' }));
app.get('/api/items', (req, res) => res.json({ items: [] }));

module.exports = app;
if (require.main === module) app.listen(3000);
