import { FreeTextField, IntField, NestedListField, SlugField } from '../http/field.decorators.js';
import { NotAbove, UniqueBy } from '../http/field.validators.js';
import { DecisionDto } from './decision.dto.js';

export class EligibilityRuleDto {
  @SlugField(2, 64, { description: 'The rule, as findings and eliminations name it.', example: 'independence' })
  ruleId!: string;

  @FreeTextField({
    description: 'The text of the rule.',
    example: 'A model counts as independently developed only if its weights were initialised by the team and trained from scratch.',
  })
  text!: string;
}

const SLOTS: [number, number] = [1, 1000];

/** `POST /programs`. */
export class LaunchProgramDto extends DecisionDto {
  @SlugField(3, 64, { description: 'The new programme; used in every path about it.', example: 'sovereign-ai-2025' })
  programId!: string;

  @FreeTextField({ description: 'The programme as announced.', example: 'Sovereign AI Foundation Model Project' })
  title!: string;

  @FreeTextField({ description: 'The ministry that runs it.', example: 'Ministry of Science and ICT' })
  ministry!: string;

  @IntField(...SLOTS, { description: 'How many teams may be finalists (or winners) at once.', example: 5 })
  finalistSlots!: number;

  @IntField(...SLOTS, { description: 'How many winners conclude the programme; at most finalistSlots.', example: 2 })
  @NotAbove('finalistSlots', SLOTS)
  winnerSlots!: number;

  @NestedListField(() => EligibilityRuleDto, { min: 0, max: 100 }, {
    optional: true,
    description: 'The eligibility rules in force from the start, each ruleId once.',
  })
  @UniqueBy('ruleId')
  rules?: EligibilityRuleDto[];
}
