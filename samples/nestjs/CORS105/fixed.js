// NestJS API on Express (plain JavaScript, decorators applied by hand):
// enableCors for the sites it trusts only.
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
  // An exact allowlist: cors echoes the one that matched, with Vary: Origin.
  app.enableCors({
    origin: ['https://app.example.com', 'https://admin.example.com'],
    credentials: true,
    maxAge: 600,
  });
  return app;
}

module.exports = { createApp };
if (require.main === module) createApp().then((app) => app.listen(process.env.PORT || 3000));
