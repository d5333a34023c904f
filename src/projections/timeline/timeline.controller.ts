import { Controller, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { READ_MODEL_ACCESS, type ReadModelAccess } from '../engine/projection.js';
import { READER_ROLES, ReadEndpoint } from '../read-endpoint.decorator.js';
import { TimelineDto } from './timeline.dto.js';
import { programNotFound, teamNotFound } from '../../http/read-problems.js';
import { ReadQuery, TeamParams } from '../../http/read-query.dto.js';
import { awaitReadModel } from '../engine/read-your-writes.js';
import { TIMELINE } from './timeline.projection.js';
import { TimelineQueries } from './timeline.queries.js';

@Controller('programs')
export class TimelineController {
  constructor(
    private readonly timelines: TimelineQueries,
    @Inject(READ_MODEL_ACCESS) private readonly access: ReadModelAccess,
  ) {}

  @ReadEndpoint({
    path: ':programId/teams/:teamId/timeline',
    roles: [...READER_ROLES],
    operationId: 'getTeamTimeline',
    summary: "One team's decisions, from its application on",
    description: "Every event that names the team: in its teamId, or in a list (a round's results, a wild-card's admitted teams, the winners).",
    notFound: ['PROGRAM_NOT_FOUND', 'TEAM_NOT_FOUND'],
    ok: { status: 200, type: TimelineDto },
  })
  async timeline(@Param() params: TeamParams, @Query() query: ReadQuery, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    await awaitReadModel(this.access, TIMELINE, query.minPosition);
    const answer = this.timelines.timeline(params.programId, params.teamId);
    switch (answer.kind) {
      case 'program-not-found':
        throw programNotFound(params.programId);
      case 'team-not-found':
        throw teamNotFound(params.programId, params.teamId);
      case 'found':
        res.type('application/json');
        return `{"teamId":${JSON.stringify(params.teamId)},"entries":[${answer.entries.join(',')}]}`;
      default: {
        const _exhaustive: never = answer;
        return _exhaustive;
      }
    }
  }
}
