import { SlugField } from '../http/field.decorators.js';
import { DecisionDto } from './decision.dto.js';

/** `POST /programs/{programId}/winners`: the `winnerSlots`-th winner also concludes the programme. */
export class SelectWinnerDto extends DecisionDto {
  @SlugField(2, 64, { description: 'The finalist selected as a winner.', example: 'lg-ai-research' })
  teamId!: string;
}
