import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProjectionErrorDto, ResubscribingDto } from '../projections/admin/projection-status.dto.js';

/** The response schema of `GET /api/health`, for OpenAPI only: the controller answers with JSON of this shape. */

export class StoreSubscriptionsDto {
  @ApiProperty({ type: 'integer', description: 'Subscriptions open on the event store.', example: 2 }) open!: number;
  @ApiProperty({ type: 'integer', description: 'Of those, re-connecting after an error or an end the store caused.', example: 0 }) reconnecting!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The last error a subscription met.', example: null }) lastError!: string | null;
}

export class EventStoreHealthDto {
  @ApiProperty({ enum: ['sqlite', 'eventstoredb'] }) adapter!: string;
  @ApiProperty({ enum: ['up', 'down'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9]+$', description: 'Position of the last event of the log; null when it is empty.', example: '1187' })
  headPosition!: string | null;
  @ApiProperty({ type: StoreSubscriptionsDto }) subscriptions!: StoreSubscriptionsDto;
  @ApiPropertyOptional({ description: 'Why the store is down.', example: 'connect ECONNREFUSED 127.0.0.1:2113' }) error?: string;
}

export class ProjectionHealthDto {
  @ApiProperty({ enum: ['live', 'rebuilding', 'failed'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, pattern: '^[0-9]+$', description: 'Last event applied to the serving tables.', example: '1187' })
  position!: string | null;
  @ApiProperty({ type: 'integer', description: 'Events the projection is behind the event store.', example: 0 }) lag!: number;
  @ApiProperty({ description: 'True when counting stopped at its cap: the projection is at least `lag` behind.' }) lagIsLowerBound!: boolean;
  @ApiProperty({ type: ProjectionErrorDto, nullable: true }) error!: ProjectionErrorDto | null;
  @ApiProperty({ type: ResubscribingDto, nullable: true }) resubscribing!: ResubscribingDto | null;
}

export class FeedEndsDto {
  @ApiProperty({ type: 'integer', description: 'The subscriber went away.' }) 'client-gone'!: number;
  @ApiProperty({ type: 'integer', description: 'Cut after its socket stayed full for the drain timeout.' }) stalled!: number;
  @ApiProperty({ type: 'integer', description: 'Ended by a stop of the server.' }) shutdown!: number;
  @ApiProperty({ type: 'integer', description: 'Ended by a failure of the event store.' }) 'store-failed'!: number;
}

export class FeedHealthDto {
  @ApiProperty({ type: 'integer', description: 'Open SSE connections.' }) open!: number;
  @ApiProperty({ type: 'integer', description: 'Of those, caught up and waiting for the next event.' }) waiting!: number;
  @ApiProperty({ type: FeedEndsDto, description: 'How the ended connections ended, since start.' }) ended!: FeedEndsDto;
}

export class HealthDto {
  @ApiProperty({
    enum: ['ok', 'degraded', 'unavailable'],
    description: '`degraded`: a projection failed or is halted (reads of it may be stale; decisions are taken). `unavailable` (503): the event store cannot be read.',
  })
  status!: string;
  @ApiProperty({ type: EventStoreHealthDto }) eventStore!: EventStoreHealthDto;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ProjectionHealthDto' }, description: 'By projection name.' })
  projections!: Record<string, ProjectionHealthDto>;
  @ApiProperty({ type: FeedHealthDto }) feed!: FeedHealthDto;
}
