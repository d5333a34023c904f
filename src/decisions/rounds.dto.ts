import { FreeTextField, IntField, NestedListField, PointsField, SlugField } from '../http/field.decorators.js';
import { UniqueBy } from '../http/field.validators.js';
import { DecisionDto } from './decision.dto.js';

export class ScorecardEntryDto {
  @SlugField(2, 64, { description: 'A criterion of the round.', example: 'benchmark' })
  criterion!: string;

  @IntField(1, 1000, { description: 'The most points it gives.', example: 40 })
  maxPoints!: number;
}

/** `POST /programs/{programId}/rounds`. */
export class OpenEvaluationRoundDto extends DecisionDto {
  @IntField(1, 100, { description: 'The number of the round: the next one, counting from 1.', example: 1 })
  round!: number;

  @FreeTextField({ description: 'The round as announced.', example: 'First-stage evaluation' })
  title!: string;

  @NestedListField(() => ScorecardEntryDto, { min: 1, max: 20 }, {
    description: 'The criteria and their maximum points (1 to 20 criteria, each named once).',
    example: [
      { criterion: 'benchmark', maxPoints: 40 },
      { criterion: 'expert-evaluation', maxPoints: 35 },
      { criterion: 'user-evaluation', maxPoints: 25 },
    ],
  })
  @UniqueBy('criterion')
  scorecard!: ScorecardEntryDto[];
}

/** `POST /programs/{programId}/rounds/{round}/scores` and `…/score-corrections`: the round is in the path. */
export class ScoreDto extends DecisionDto {
  @SlugField(2, 64, { description: 'The team scored.', example: 'lg-ai-research' })
  teamId!: string;

  @SlugField(2, 64, { description: "A criterion of the round's scorecard.", example: 'benchmark' })
  criterion!: string;

  @PointsField({ description: "The points, 0 to the criterion's maxPoints, with at most two decimals.", example: 33.6 })
  points!: number;
}

/** `POST /programs/{programId}/rounds/{round}/close`: nothing besides the reason. */
export class CloseEvaluationRoundDto extends DecisionDto {}
