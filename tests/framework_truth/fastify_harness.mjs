// Starts one Fastify (or NestJS-on-Fastify) sample on a free loopback port and
// prints {"port": N}; the truth tests send their requests there and then close
// its standard input, which ends the process. The sample exports the Fastify
// instance (module.exports = app / export default app) or an async function
// that returns a NestJS application. Its text is copied beside node_modules
// (tests/framework_truth/node, npm ci) so that its imports resolve there;
// FASTIFY_ALIASES (JSON: package name -> npm alias, as test_fastify_truth.py's
// OLD_MAJOR) swaps the packages it names for the old majors installed there.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node');
const ext = path.extname(process.argv[2]) === '.mjs' ? '.mjs' : '.cjs';
const copy = path.join(here, `.fastify-sample-${process.pid}${ext}`);
let text = fs.readFileSync(process.argv[2], 'utf8');
for (const [name, alias] of Object.entries(JSON.parse(process.env.FASTIFY_ALIASES || '{}'))) {
  for (const quote of ["'", '"']) text = text.split(quote + name + quote).join(quote + alias + quote);
}
fs.writeFileSync(copy, text);
let port;
try {
  const loaded = await import(pathToFileURL(copy).href);
  let app = loaded.default ?? loaded;
  if (typeof app === 'function' && typeof app.listen !== 'function') app = await app();
  if (typeof app.getHttpAdapter === 'function') {          // NestJS
    await app.listen(0, '127.0.0.1');
    port = app.getHttpServer().address().port;
  } else {
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = app.server.address().port;
  }
} finally {
  fs.unlinkSync(copy);
}
process.stdout.write(JSON.stringify({ port }) + '\n');
// Never outlive the test that started it.
setTimeout(() => process.exit(0), 60000).unref();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
