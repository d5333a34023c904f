import { EnumField, FreeTextField, FreeTextListField, NestedField, NestedListField, SlugField } from '../http/field.decorators.js';
import { COMPONENT_ORIGINS, WEIGHT_INITIALISATIONS } from '../program/program.events.js';
import { DecisionDto } from './decision.dto.js';

export class ModelComponentDto {
  @FreeTextField({ description: 'The component of the model.', example: 'language model backbone' })
  name!: string;

  @EnumField(COMPONENT_ORIGINS, { description: 'Who built it.', example: 'in-house' })
  origin!: (typeof COMPONENT_ORIGINS)[number];

  @EnumField(WEIGHT_INITIALISATIONS, {
    description: 'How its weights were initialised: the independence rule turns on this.',
    example: 'from-scratch',
  })
  weights!: (typeof WEIGHT_INITIALISATIONS)[number];

  @FreeTextField({ optional: true, description: 'Where it came from, when not built in-house.', example: "another company's vision encoder" })
  source?: string;
}

export class ModelDeclarationDto {
  @NestedListField(() => ModelComponentDto, { min: 1, max: 100 }, { description: 'The components of the model, with their origin and weights.' })
  components!: ModelComponentDto[];
}

/** `POST /programs/{programId}/applications`. */
export class SubmitApplicationDto extends DecisionDto {
  @SlugField(2, 64, { description: 'The applying team.', example: 'lg-ai-research' })
  teamId!: string;

  @FreeTextField({ description: 'The consortium as it applies.', example: 'LG AI Research consortium' })
  consortiumName!: string;

  @FreeTextField({ description: 'The organisation that leads it.', example: 'LG AI Research' })
  leadOrganization!: string;

  @FreeTextListField({ min: 1, max: 50 }, { description: 'The member organisations (1 to 50).', example: ['LG AI Research', 'LG Uplus', 'LG CNS'] })
  members!: string[];

  @NestedField(() => ModelDeclarationDto, {
    optional: true,
    description: 'What the model is built from, for the independence rule.',
    example: { components: [{ name: 'EXAONE language model', origin: 'in-house', weights: 'from-scratch' }] },
  })
  modelDeclaration?: ModelDeclarationDto;
}

/** `POST /programs/{programId}/finalists`. */
export class SelectFinalistDto extends DecisionDto {
  @SlugField(2, 64, { description: 'The applicant selected as a finalist.', example: 'lg-ai-research' })
  teamId!: string;
}
