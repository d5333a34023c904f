import { IntField, SlugField, SlugListField, TimestampField } from '../http/field.decorators.js';
import { DecisionDto } from './decision.dto.js';

/** `POST /programs/{programId}/wildcard`. */
export class OpenWildcardDto extends DecisionDto {
  @IntField(1, 1000, { description: 'How many eliminated teams the call may bring back.', example: 1 })
  slots!: number;

  @TimestampField({
    description: 'The announced deadline (RFC 3339 with an offset): recorded, not enforced; the call ends with its close decision.',
    example: '2026-02-12T18:00:00+09:00',
  })
  closesAt!: string;
}

/** `POST /programs/{programId}/wildcard/applications`. */
export class SubmitWildcardApplicationDto extends DecisionDto {
  @SlugField(2, 64, { description: 'The eliminated team applying.', example: 'nc-ai' })
  teamId!: string;
}

/** `POST /programs/{programId}/wildcard/close`. */
export class CloseWildcardDto extends DecisionDto {
  @SlugListField({ min: 0, max: 1000 }, { min: 2, max: 64 }, {
    description: 'The applicants admitted back as finalists, each once; may be empty (the panel chose no one).',
    example: [],
  })
  admit!: string[];
}
