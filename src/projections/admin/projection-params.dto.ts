import { SlugField } from '../../http/field.decorators.js';

export class ProjectionParams {
  @SlugField(2, 64, { description: 'The projection: `standings`, `audit` or `timeline`.', example: 'standings' })
  name!: string;
}
