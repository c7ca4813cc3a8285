// Starts one Express sample (module.exports = app) on a free loopback port and
// prints {"port": N}; the truth tests send their requests there and then end
// the process. Express and cors come from tests/framework_truth/node (npm ci).
const path = require('path');

const app = require(path.resolve(process.argv[2]));
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
// Never outlive the test that started it.
setTimeout(() => process.exit(0), 60000).unref();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
