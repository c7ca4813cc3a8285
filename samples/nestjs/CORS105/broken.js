// NestJS API on Express (plain JavaScript, decorators applied by hand):
// enableCors echoing every origin, with cookies.
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { Controller, Get, Module } = require('@nestjs/common');

// Plain JavaScript: the decorators @Controller('api') and @Get('items') applied by hand.
class ItemsController {
  list() {
    return { items: [] };
  }
}
Get('items')(ItemsController.prototype, 'list', Object.getOwnPropertyDescriptor(ItemsController.prototype, 'list'));
Controller('api')(ItemsController);

class AppModule {}
Module({ controllers: [ItemsController] })(AppModule);

async function createApp() {
  const app = await NestFactory.create(AppModule, { logger: false });
  // origin: true reflects whatever Origin arrives ('null' included), and
  // credentials: true lets that site read the user's authenticated answers.
  app.enableCors({
    origin: true, // expect: CORS105
    credentials: true,
    maxAge: 600,
  });
  return app;
}

module.exports = { createApp };
if (require.main === module) createApp().then((app) => app.listen(process.env.PORT || 3000));
