import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mergeMap, type Observable } from 'rxjs';
import { authorisedActorOf } from '../auth/current-actor.decorator.js';
import type { ProgramCommand } from '../program/program.commands.js';
import { decisionContext, readDecisionRequest } from './decision-context.js';
import type { DecisionDto } from './decision.dto.js';
import { takeDecision } from './take-decision.js';

/**
 * What every decision route does around its handler, which only maps its validated DTO to a command: builds the
 * decision's context (the actor from the token, reason, legal basis and effective time from the body, the request's
 * headers), sends the command over the bus and answers (201, or 200 for an idempotent replay; the revision as ETag).
 * The body was validated before the handler ran, so what it says of the decision can be read as it came.
 */
@Injectable()
export class DecisionInterceptor implements NestInterceptor<ProgramCommand, void> {
  constructor(private readonly commandBus: CommandBus) {}

  intercept(context: ExecutionContext, next: CallHandler<ProgramCommand>): Observable<void> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(mergeMap((command) => this.take(command, request, reply)));
  }

  private take(command: ProgramCommand, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const actor = authorisedActorOf(request);
    // Every decision route is guarded by @Roles: no actor here is a programming error, not a client's.
    if (!actor) throw new Error('a decision route needs @Roles');
    const decision = decisionContext(actor, request.body as DecisionDto, readDecisionRequest(request));
    return takeDecision(this.commandBus, reply, command, decision);
  }
}
