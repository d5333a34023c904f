import { AUDIT, auditProjection } from './audit/audit.projection.js';
import type { Projection } from './engine/projection.js';
import { MERKLE, merkleProjection } from './evidence/merkle.projection.js';
import { STANDINGS, standingsProjection, type StandingsSettings } from './standings/standings.projection.js';
import { TIMELINE, timelineProjection } from './timeline/timeline.projection.js';

export type ProjectionSettings = StandingsSettings;

/**
 * Every read model the runner feeds: `standings` (also the programme list), `audit`, `timeline`, and `merkle` (the
 * log's Merkle tree, from which checkpoints are signed and proofs given).
 */
export function projections(settings: ProjectionSettings): readonly Projection[] {
  return [standingsProjection(settings), auditProjection, timelineProjection, merkleProjection];
}

export const PROJECTION_NAMES: readonly string[] = [STANDINGS, AUDIT, TIMELINE, MERKLE];
