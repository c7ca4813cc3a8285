// Starts one Koa sample (module.exports = app, a Koa instance) on a free
// loopback port and prints {"port": N}; the truth tests send their requests
// there and then end the process. koa and @koa/cors come from
// tests/framework_truth/node (npm ci). KOA_CORS_PACKAGE names another
// installed copy of @koa/cors (an npm alias of an older major, e.g.
// koa-cors-4) that the sample's require('@koa/cors') then loads.
const Module = require('module');
const path = require('path');

const alias = process.env.KOA_CORS_PACKAGE;
if (alias) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, request === '@koa/cors' ? alias : request, ...rest);
  };
}

const app = require(path.resolve(process.argv[2]));
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
// Never outlive the test that started it.
setTimeout(() => process.exit(0), 60000).unref();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
