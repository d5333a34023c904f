import { Module } from '@nestjs/common';
import { checkSchemasCoverCurrentVersions } from './event-data-schemas.js';
import { EventSchemaController } from './event-schema.controller.js';
import { FeedController } from './feed.controller.js';
import { FeedHub } from './feed-hub.js';
import { FeedSettings } from './feed-settings.js';

/** The subscribers' live event feed (SSE of CloudEvents) and its published contract. */
@Module({
  controllers: [FeedController, EventSchemaController],
  providers: [FeedSettings, FeedHub],
  exports: [FeedHub],
})
export class FeedModule {
  constructor() {
    // A type whose current version has no published schema would be served with a dataschema that names nothing.
    checkSchemasCoverCurrentVersions();
  }
}
