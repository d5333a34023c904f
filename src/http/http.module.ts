import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { createValidationPipe } from './validation.js';

/**
 * The API's common ground: the one exception filter (problem+json) and the one validation pipe, as application-wide
 * providers, so that a test module importing this module answers exactly as the application does.
 */
@Module({
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class HttpModule {}
