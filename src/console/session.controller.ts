import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ROLES, type Role } from '../auth/actor.js';
import { Authenticator } from '../auth/authenticator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ProblemDto } from '../http/problem.dto.js';

class SessionDto {
  @ApiProperty({ description: "The token's subject: the actor its decisions are recorded under." })
  id!: string;

  @ApiProperty({ enum: ROLES, isArray: true, description: 'Every role the token holds.' })
  roles!: Role[];
}

/** Who a token is: the console asks once it is pasted, to show what the roles allow. */
@Controller('session')
export class SessionController {
  constructor(private readonly authenticator: Authenticator) {}

  @Get()
  @Roles('official', 'evaluator', 'auditor', 'subscriber', 'admin')
  @ApiTags('operations')
  @ApiOperation({ operationId: 'getSession', summary: 'The subject and roles of the presented token' })
  @ApiOkResponse({ type: SessionDto })
  @ApiResponse({ status: 401, description: 'code: UNAUTHENTICATED', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } } })
  async session(@Req() request: FastifyRequest): Promise<SessionDto> {
    // The guard authenticated this request already: the authenticator answers from its per-request memo.
    const match = (await this.authenticator.authenticate(request))!;
    return { id: match.actor.id, roles: [...match.actor.roles] };
  }
}
