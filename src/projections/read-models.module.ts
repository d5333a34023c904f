import { Module } from '@nestjs/common';

/** The queries of the read models: standings, timelines, audit history (issue 5; being built). */
@Module({})
export class ReadModelsModule {}
