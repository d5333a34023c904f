import { EnumField, FreeTextField, IntField, SlugField } from '../http/field.decorators.js';
import { COMPLIANCE_VERDICTS, ELIMINATION_GROUNDS } from '../program/program.events.js';
import { DecisionDto } from './decision.dto.js';

/** `POST /programs/{programId}/rules`: adds the rule, or replaces its text. */
export class ClarifyEligibilityRuleDto extends DecisionDto {
  @SlugField(2, 64, { description: 'The rule.', example: 'independence' })
  ruleId!: string;

  @FreeTextField({
    description: 'The text of the rule from now on.',
    example: 'Initialising the weights and conducting original training is the minimum condition for an independent model.',
  })
  text!: string;
}


/** `POST /programs/{programId}/compliance-findings`. */
export class RecordComplianceFindingDto extends DecisionDto {
  @SlugField(2, 64, { description: 'The team examined.', example: 'naver-cloud' })
  teamId!: string;

  @SlugField(2, 64, { description: 'The rule it was examined under.', example: 'independence' })
  ruleId!: string;

  @EnumField(COMPLIANCE_VERDICTS, { description: 'What the examination found.', example: 'violation' })
  verdict!: (typeof COMPLIANCE_VERDICTS)[number];

  @FreeTextField({ description: 'What was found.', example: "The vision encoder re-uses another company's trained weights." })
  findings!: string;
}


/**
 * `POST /programs/{programId}/eliminations`. `round` belongs to `ranking` and `ruleId` to `rule-violation`: each is
 * required with its grounds and refused with the others, as the domain's `EliminationRequest` union has it.
 */
export class EliminateTeamDto extends DecisionDto {
  @SlugField(2, 64, { description: 'The team eliminated.', example: 'nc-ai' })
  teamId!: string;

  @EnumField(ELIMINATION_GROUNDS, { description: 'Why.', example: 'ranking' })
  grounds!: (typeof ELIMINATION_GROUNDS)[number];

  @IntField(1, 100, {
    onlyWhen: [(body) => body['grounds'] === 'ranking', 'grounds is ranking'],
    description: 'With `ranking` only, and then required: the closed round whose ranking decides.',
    example: 1,
  })
  round?: number;

  @SlugField(2, 64, {
    onlyWhen: [(body) => body['grounds'] === 'rule-violation', 'grounds is rule-violation'],
    description: 'With `rule-violation` only, and then required: the rule violated.',
    example: 'independence',
  })
  ruleId?: string;
}

/** `POST /programs/{programId}/withdrawals`. */
export class WithdrawTeamDto extends DecisionDto {
  @SlugField(2, 64, { description: 'The team withdrawing.', example: 'upstage' })
  teamId!: string;

  @FreeTextField({ description: "The team's statement.", example: 'The consortium withdraws to concentrate on its commercial model.' })
  statement!: string;
}
