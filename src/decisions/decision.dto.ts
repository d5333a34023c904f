import { FreeTextField, TimestampField } from '../http/field.decorators.js';

/**
 * What every decision body has besides the decision itself. It is not part of the domain command: the controller
 * moves it into the `DecisionContext`, and it ends up in the events' metadata.
 */
export class DecisionDto {
  @FreeTextField({
    description: 'Why the decision is taken; recorded with every event it produces.',
    example: 'Ranked below the cut-off of the first-stage evaluation announced on 2026-01-15.',
  })
  reason!: string;

  @FreeTextField({
    max: 200,
    optional: true,
    description: 'The legal or regulatory reference the decision rests on.',
    example: 'Programme guidelines, section 3',
  })
  legalBasis?: string;

  @TimestampField({
    optional: true,
    description: "The decision's effective time (RFC 3339 with an offset), recorded as the events' occurredAt. Default: now.",
    example: '2026-01-15T10:00:00+09:00',
  })
  effectiveAt?: string;
}
