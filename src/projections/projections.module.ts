import { Module } from '@nestjs/common';

/** The projection runner, the read models' database and the admin endpoints (issue 5; being built). */
@Module({})
export class ProjectionsModule {}
