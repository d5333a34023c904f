import { auditProjection } from './audit/audit.projection.js';
import type { Projection } from './projection.js';
import { standingsProjection } from './standings/standings.projection.js';
import { timelineProjection } from './timeline/timeline.projection.js';

/** Every read model the runner feeds, by name: `standings` (also the programme list), `audit`, `timeline`. */
export const PROJECTIONS: readonly Projection[] = [standingsProjection, auditProjection, timelineProjection];
