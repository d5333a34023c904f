import { Module } from '@nestjs/common';

/** The subscribers' live event feed (issue 6; being built). */
@Module({})
export class FeedModule {}
