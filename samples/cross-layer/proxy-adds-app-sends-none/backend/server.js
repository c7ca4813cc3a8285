// Express API with no cross-origin handling of its own: nginx does it all.
const express = require('express');

const app = express();
app.get('/api/items', (req, res) => res.json({ items: [] }));
app.put('/api/items/:id', (req, res) => res.json({ ok: true }));

module.exports = app;
if (require.main === module) app.listen(3000);
