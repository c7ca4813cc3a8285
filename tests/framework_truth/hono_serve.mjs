// Serves one Hono sample (export default app; TypeScript without type
// annotations) with @hono/node-server on a free loopback port and prints
// {"port": N}; the process ends when its stdin is closed (tests/truth/frameworks.py).
// The sample's text is copied beside node_modules (tests/framework_truth/node,
// npm ci) so that its `import ... from 'hono'` resolves there.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node');
const copy = path.join(here, `.hono-serve-${process.pid}.mjs`);
// @hono/node-server is resolved from there too, through a one-line module
const adapter = path.join(here, `.hono-serve-${process.pid}-adapter.mjs`);
fs.writeFileSync(copy, fs.readFileSync(process.argv[2], 'utf8'));
fs.writeFileSync(adapter, "export { serve } from '@hono/node-server';\n");
let app, serve;
try {
  app = (await import(pathToFileURL(copy).href)).default;
  ({ serve } = await import(pathToFileURL(adapter).href));
} finally {
  fs.unlinkSync(copy);
  fs.unlinkSync(adapter);
}
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(JSON.stringify({ port: info.port }) + '\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
