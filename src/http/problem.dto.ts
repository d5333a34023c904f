import { ApiProperty } from '@nestjs/swagger';

/** The problem+json body of every error (see `ProblemError`), for the OpenAPI document. */

export class FieldProblemDto {
  @ApiProperty({ description: 'Dotted path of the field, or the header name.', example: 'scorecard.0.maxPoints' })
  field!: string;

  @ApiProperty({ example: 'scorecard.0.maxPoints must not be greater than 1000' })
  message!: string;
}

export class ProblemDto {
  @ApiProperty({ example: 'urn:docket:problem:team-not-active' })
  type!: string;

  @ApiProperty({ example: 'Decision refused by the programme rules' })
  title!: string;

  @ApiProperty({ type: 'integer', example: 422 })
  status!: number;

  @ApiProperty({ example: 'Team "nc-ai" is eliminated; only applicants and finalists can be eliminated.' })
  detail!: string;

  @ApiProperty({ description: 'Stable code to switch on.', example: 'TEAM_NOT_ACTIVE' })
  code!: string;

  @ApiProperty({ type: [FieldProblemDto], required: false, description: 'With VALIDATION_FAILED only.' })
  errors?: FieldProblemDto[];
}
