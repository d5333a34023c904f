import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller.js';
import { SessionController } from './session.controller.js';

/** The web console for officials and auditors, and the one route it needs beyond the API's: who a token is. */
@Module({ controllers: [ConsoleController, SessionController] })
export class ConsoleModule {}
