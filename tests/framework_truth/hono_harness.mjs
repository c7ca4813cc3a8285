// Loads one Hono fixture (export default app; TypeScript without type
// annotations), sends it the requests given as JSON on argv[3] through Hono's
// own app.request() (no server), and prints [{status, headers: [[name, value]]}].
// The fixture's text is copied beside node_modules (tests/framework_truth/node,
// npm ci) so that its `import ... from 'hono'` resolves there.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node');
const copy = path.join(here, `.hono-sample-${process.pid}.mjs`);
fs.writeFileSync(copy, fs.readFileSync(process.argv[2], 'utf8'));
try {
  const app = (await import(pathToFileURL(copy).href)).default;
  const out = [];
  for (const req of JSON.parse(process.argv[3])) {
    const res = await app.request(req.url, { method: req.method, headers: req.headers });
    out.push({ status: res.status, headers: [...res.headers.entries()] });
  }
  process.stdout.write(JSON.stringify(out) + '\n');
} finally {
  fs.unlinkSync(copy);
}
