import { Controller, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProgramParams } from '../../decisions/decision-params.dto.js';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../projection.js';
import { READER_ROLES, ReadEndpoint } from '../queries/read-endpoint.decorator.js';
import { ProgramSummaryDto, StandingsDto } from '../queries/read-model.dto.js';
import { programNotFound, programNotFoundAsOf } from '../queries/read-problems.js';
import { ReadQuery, StandingsQuery, isPosition } from '../queries/read-query.dto.js';
import { awaitReadModel } from '../queries/read-your-writes.js';
import type { StandingsDocument } from './standings.document.js';
import { STANDINGS } from './standings.projection.js';
import { type ProgramSummary, StandingsQueries } from './standings.queries.js';
import { StandingsTimeTravel, type TimeTravelBounds } from './standings.time-travel.js';

@Controller('programs')
export class StandingsController {
  constructor(
    private readonly standings: StandingsQueries,
    private readonly timeTravel: StandingsTimeTravel,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  @ReadEndpoint({
    path: '',
    roles: [...READER_ROLES],
    operationId: 'listPrograms',
    summary: 'List the programmes',
    description: 'Every programme with its phase and revision, by programme id.',
    notFound: [],
    ok: { status: 200, type: [ProgramSummaryDto] },
  })
  async programs(@Query() query: ReadQuery): Promise<ProgramSummary[]> {
    await awaitReadModel(this.access, STANDINGS, query.minPosition);
    return this.standings.programs();
  }

  @ReadEndpoint({
    path: ':programId/standings',
    roles: [...READER_ROLES],
    operationId: 'getStandings',
    summary: "A programme's standings, now or as of a past point",
    description:
      'Phase, slot usage and per team: status, per-round scores, total and rank, elimination, winner flag. With `asOf` ' +
      '(a position or a recorded time) and/or `effectiveAsOf` (an effective time), the standings are computed from the ' +
      "programme's events in the event store, with the same fold as the live read model; 404 PROGRAM_NOT_FOUND when the " +
      'programme did not exist at that point.',
    notFound: ['PROGRAM_NOT_FOUND'],
    ok: { status: 200, type: StandingsDto },
  })
  async programStandings(
    @Param() params: ProgramParams,
    @Query() query: StandingsQuery,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<string | StandingsDocument> {
    if (query.asOf !== undefined || query.effectiveAsOf !== undefined) {
      // Folded from the store's events, not read from the projection's tables: a build in progress does not hold it.
      if (query.minPosition !== undefined) await this.access.waitForPosition(STANDINGS, BigInt(query.minPosition));
      const standings = await this.timeTravel.at(params.programId, boundsOf(query));
      if (standings === null) throw programNotFoundAsOf(params.programId);
      return standings;
    }
    await awaitReadModel(this.access, STANDINGS, query.minPosition);
    const json = this.standings.standingsJson(params.programId);
    if (json === null) throw programNotFound(params.programId);
    // Served as stored: the document was serialised once, when the projection wrote it.
    res.type('application/json');
    return json;
  }
}

function boundsOf(query: StandingsQuery): TimeTravelBounds {
  const bounds: TimeTravelBounds = {};
  if (query.asOf !== undefined) {
    bounds.recordedUpTo = isPosition(query.asOf) ? { position: BigInt(query.asOf) } : { time: Date.parse(query.asOf) };
  }
  if (query.effectiveAsOf !== undefined) bounds.effectiveUpTo = Date.parse(query.effectiveAsOf);
  return bounds;
}
