import { ApiProperty } from '@nestjs/swagger';

/** Response schemas of the admin endpoints, for OpenAPI only: the controller answers with plain objects of these shapes. */

export class ProjectionErrorDto {
  @ApiProperty({ description: 'Position of the event the projection refused (a string of digits).', example: '1187' })
  position!: string;

  @ApiProperty({ example: 'unknown team nc-ai' })
  message!: string;
}

export class RebuildProgressDto {
  @ApiProperty({ type: 'integer', description: 'The generation being built.', example: 3 })
  generation!: number;

  @ApiProperty({ type: 'integer', description: 'Events applied to the new generation so far.', example: 420000 })
  done!: number;

  @ApiProperty({ type: 'integer', description: 'Events to apply in all: what the serving generation holds plus its lag.', example: 1000000 })
  total!: number;

  @ApiProperty({ type: 'integer', example: 150000 })
  eventsPerSecond!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Seconds left at the current rate.', example: 4 })
  etaSeconds!: number | null;
}

export class ResubscribingDto {
  @ApiProperty({ type: 'integer', example: 2 })
  attempt!: number;

  @ApiProperty({ example: 'the event store cannot be reached' })
  lastError!: string;

  @ApiProperty({ type: 'integer', example: 200 })
  retryInMs!: number;
}

export class ApplyLatencyDto {
  @ApiProperty({ type: 'integer', description: 'Events measured (the most recent, up to 16,384).' })
  samples!: number;

  @ApiProperty({ example: 3 })
  p50!: number;

  @ApiProperty({ example: 12 })
  p99!: number;

  @ApiProperty({ example: 40 })
  max!: number;
}

export class ProjectionStatusDto {
  @ApiProperty({ example: 'standings' })
  name!: string;

  @ApiProperty({
    enum: ['live', 'rebuilding', 'failed'],
    description: '`failed`: halted at a refused event (see `error`) until a rebuild or a restart gets past it.',
  })
  status!: 'live' | 'rebuilding' | 'failed';

  @ApiProperty({ type: 'string', nullable: true, description: 'Last event applied to the serving tables.', example: '1187' })
  position!: string | null;

  @ApiProperty({ type: 'integer', description: 'Events the projection is behind the event store.', example: 0 })
  lag!: number;

  @ApiProperty({ description: 'True when counting stopped at its cap (10,000): the projection is at least `lag` behind.' })
  lagIsLowerBound!: boolean;

  @ApiProperty({ type: 'integer', description: "The projection's code version; a change rebuilds it at start-up." })
  version!: number;

  @ApiProperty({ type: 'integer', description: 'The generation of tables serving reads.' })
  generation!: number;

  @ApiProperty({ type: 'integer', description: 'Events the serving generation has applied since it was created.' })
  applied!: number;

  @ApiProperty({ type: RebuildProgressDto, nullable: true })
  rebuild!: RebuildProgressDto | null;

  @ApiProperty({ type: ProjectionErrorDto, nullable: true })
  error!: ProjectionErrorDto | null;

  @ApiProperty({ type: ResubscribingDto, nullable: true, description: 'Set while the runner waits to subscribe again after a store error.' })
  resubscribing!: ResubscribingDto | null;

  @ApiProperty({ type: ProjectionErrorDto, nullable: true, description: 'The last rebuild this process abandoned at a refused event.' })
  lastRebuildError!: ProjectionErrorDto | null;

  @ApiProperty({
    type: ApplyLatencyDto,
    nullable: true,
    description: "Live lag in milliseconds: from each event's recordedAt to its commit into this projection, over the latest events.",
  })
  applyLatencyMs!: ApplyLatencyDto | null;
}
