import { ApiProperty } from '@nestjs/swagger';

/** The response schemas of decisions, for OpenAPI only: the controller answers with plain objects of these shapes. */

export class RecordedEventDto {
  @ApiProperty({ example: 'TeamEliminated' })
  type!: string;

  @ApiProperty({ type: 'integer', description: "The event's revision in the programme's stream, counting from 0.", example: 41 })
  revision!: number;

  @ApiProperty({ description: 'Global position in the event store: a string of digits (64-bit).', pattern: '^[0-9]+$', example: '1187' })
  position!: string;
}

export class DecisionOutcomeDto {
  @ApiProperty({ example: 'sovereign-ai-2025' })
  programId!: string;

  @ApiProperty({
    type: 'integer',
    description: "The programme's revision after the decision (also the ETag): send it as If-Match to decide only on this state.",
    example: 41,
  })
  revision!: number;

  @ApiProperty({
    description: "The position of the decision's last event: pass it as minPosition to read your own write.",
    pattern: '^[0-9]+$',
    example: '1187',
  })
  position!: string;

  @ApiProperty({ type: [RecordedEventDto] })
  events!: RecordedEventDto[];
}
