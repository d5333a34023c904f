import { ApiProperty } from '@nestjs/swagger';

/** Response schema parts the reads share, for OpenAPI only. */

export const POSITION_PROPERTY = { type: String, pattern: '^[0-9]+$', description: 'Global position: a string of digits (64-bit).', example: '1187' };

export class ActorDto {
  @ApiProperty({ type: String, nullable: true, example: 'kim.official' }) id!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'official' }) role!: string | null;
}

