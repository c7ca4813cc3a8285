// Starts one NestJS sample on its Express adapter on a free loopback port and
// prints {"port": N}. The sample is plain JavaScript (decorators applied by
// hand, so no TypeScript compiler is needed) and exports `createApp`, an
// async function that builds the application (NestFactory.create with its
// cors option, or enableCors) without listening. @nestjs/* come from
// tests/framework_truth/node (npm ci).
const path = require('path');

(async () => {
  const app = await require(path.resolve(process.argv[2])).createApp();
  await app.listen(0, '127.0.0.1');
  process.stdout.write(JSON.stringify({ port: app.getHttpServer().address().port }) + '\n');
})().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
// Never outlive the test that started it.
setTimeout(() => process.exit(0), 60000).unref();
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
