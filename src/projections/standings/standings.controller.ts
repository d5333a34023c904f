import { Controller, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProgramParams } from '../../http/params.dto.js';
import type { TeamStatus } from '../../program/program.state.js';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../engine/projection.js';
import { READER_ROLES, ReadEndpoint } from '../read-endpoint.decorator.js';
import { ProgramSummaryDto, ProgramTeamStandingDto, StandingsDto } from './standings.dto.js';
import { programNotFound, programNotFoundAsOf, teamNotFound } from '../../http/read-problems.js';
import { isPosition, ReadQuery, TeamParams } from '../../http/read-query.dto.js';
import { StandingsQuery, TimeTravelQuery } from './standings-query.dto.js';
import { awaitReadModel } from '../engine/read-your-writes.js';
import type { ProgramStandings } from './standings.fold.js';
import { standingsJson, teamStandingJson } from './standings.json.js';
import { STANDINGS } from './standings.projection.js';
import { type ProgramSummary, type StandingsAnswer, StandingsQueries } from './standings.queries.js';
import { isPaged, selectTeams, type TeamSelection } from './standings.selection.js';
import { StandingsTimeTravel, type TimeTravelBounds } from './standings.time-travel.js';

const TIME_TRAVEL =
  'With `asOf` (a position or a recorded time) and/or `effectiveAsOf` (an effective time), the standings are computed ' +
  "from the programme's events in the event store, with the same fold as the live read model (from the nearest " +
  'snapshot the projection saved, not from the first event); 404 PROGRAM_NOT_FOUND when the programme did not exist at that point.';

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
    summary: "A programme's standings, now or as of a past point, whole or a page of teams",
    description:
      'Phase, slot usage and per team: status, per-round scores, total and rank, elimination, winner flag; teams in order of ' +
      'application. `status` keeps the teams of those statuses; `limit` (1-1000) pages them, with `next` to pass as `after` ' +
      '(a team of the programme; 404 TEAM_NOT_FOUND otherwise). Without `limit` and `after` the answer is the whole document, ' +
      `without \`next\`. ${TIME_TRAVEL}`,
    notFound: ['PROGRAM_NOT_FOUND', 'TEAM_NOT_FOUND'],
    ok: { status: 200, type: StandingsDto },
  })
  async programStandings(@Param() params: ProgramParams, @Query() query: StandingsQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    const selection = selectionOf(query);
    res.type('application/json');
    if (isTimeTravel(query)) {
      const standings = await this.travel(params.programId, query);
      return pageOf(standings, selection);
    }
    await awaitReadModel(this.access, STANDINGS, query.minPosition);
    return answered(params.programId, this.standings.standings(params.programId, selection));
  }

  @ReadEndpoint({
    path: ':programId/teams/:teamId/standing',
    roles: [...READER_ROLES],
    operationId: 'getTeamStanding',
    summary: "One team's standing, now or as of a past point",
    description:
      "The team's entry of the standings (status, per-round scores, total and rank, elimination, winner flag) with the " +
      `programme's id, revision and position. 404 TEAM_NOT_FOUND for a team the programme never had (at that point). ${TIME_TRAVEL}`,
    notFound: ['PROGRAM_NOT_FOUND', 'TEAM_NOT_FOUND'],
    ok: { status: 200, type: ProgramTeamStandingDto },
  })
  async teamStanding(@Param() params: TeamParams, @Query() query: TimeTravelQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    const { programId, teamId } = params;
    res.type('application/json');
    if (isTimeTravel(query)) {
      const standings = await this.travel(programId, query);
      const slot = standings.slot(teamId);
      if (!slot) throw teamNotFound(programId, teamId);
      const { revision, position } = standings.header;
      return teamStandingJson(programId, JSON.stringify(slot.team), revision, position);
    }
    await awaitReadModel(this.access, STANDINGS, query.minPosition);
    return answered(programId, this.standings.teamStanding(programId, teamId));
  }

  /**
   * Folded from the store's events, from the projection's snapshots at most (see `StandingsTimeTravel`), so neither a
   * build in progress nor a read model behind the store holds it.
   */
  private async travel(programId: string, query: TimeTravelQuery): Promise<ProgramStandings> {
    if (query.minPosition !== undefined) await this.access.waitForPosition(STANDINGS, BigInt(query.minPosition));
    const standings = await this.timeTravel.at(programId, boundsOf(query));
    if (standings === null) throw programNotFoundAsOf(programId);
    return standings;
  }
}

function isTimeTravel(query: TimeTravelQuery): boolean {
  return query.asOf !== undefined || query.effectiveAsOf !== undefined;
}

function selectionOf(query: StandingsQuery): TeamSelection {
  return {
    statuses: query.status === undefined ? null : ([...new Set(query.status.split(','))] as TeamStatus[]),
    limit: query.limit ?? null,
    after: query.after ?? null,
  };
}

/** The standings folded for time travel, as the live read would answer them with this selection. */
function pageOf(standings: ProgramStandings, selection: TeamSelection): string {
  const { programId } = standings.header;
  let afterSeq = -1;
  if (selection.after !== null) {
    const after = standings.slot(selection.after);
    if (!after) throw teamNotFound(programId, selection.after);
    afterSeq = after.seq;
  }
  const { teams, next } = selectTeams(standings.teams(), selection, afterSeq);
  const head = { ...standings.header, winners: [...standings.header.winners], slots: standings.slotUsage() };
  return standingsJson(head, teams.map((team) => JSON.stringify(team)), isPaged(selection) ? next : undefined);
}

function answered(programId: string, answer: StandingsAnswer): string {
  switch (answer.kind) {
    case 'found':
      return answer.json;
    case 'program-not-found':
      throw programNotFound(programId);
    case 'team-not-found':
      throw teamNotFound(programId, answer.teamId);
    default: {
      const _exhaustive: never = answer;
      return _exhaustive;
    }
  }
}

function boundsOf(query: TimeTravelQuery): TimeTravelBounds {
  const bounds: TimeTravelBounds = {};
  if (query.asOf !== undefined) {
    bounds.recordedUpTo = isPosition(query.asOf) ? { position: BigInt(query.asOf) } : { time: Date.parse(query.asOf) };
  }
  if (query.effectiveAsOf !== undefined) bounds.effectiveUpTo = Date.parse(query.effectiveAsOf);
  return bounds;
}
