import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mergeMap, type Observable } from 'rxjs';
import { authorisedActorOf } from '../auth/current-actor.decorator.js';
import { notesOf } from '../observability/request-notes.js';
import type { ProgramCommand } from '../program/program.commands.js';
import { decisionContext, readDecisionRequest } from './decision-context.js';
import { DECISION_ROUTES } from './decision-endpoint.decorator.js';
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
    // Noted before the body is validated, so that a refused decision's log line and metrics still name it.
    const route = DECISION_ROUTES[context.getHandler().name as keyof typeof DECISION_ROUTES];
    if (route) notesOf(request.raw).decision = { command: route.command, programId: programIdOf(request) };
    return next.handle().pipe(mergeMap((command) => this.take(command, request, reply)));
  }

  private take(command: ProgramCommand, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const actor = authorisedActorOf(request);
    // Every decision route is guarded by @Roles: no actor here is a programming error, not a client's.
    if (!actor) throw new Error('a decision route needs @Roles');
    notesOf(request.raw).decision = { command: command.type, programId: command.data.programId };
    const decision = decisionContext(actor, request.body as DecisionDto, readDecisionRequest(request));
    return takeDecision(this.commandBus, reply, command, decision);
  }
}

/** The programme a decision request names: in its path, or for a launch in its body (unvalidated: for the log only). */
function programIdOf(request: FastifyRequest): string {
  const fromPath = (request.params as { programId?: unknown } | undefined)?.programId;
  const fromBody = (request.body as { programId?: unknown } | undefined)?.programId;
  const id = typeof fromPath === 'string' ? fromPath : typeof fromBody === 'string' ? fromBody : '';
  return id.slice(0, 100);
}
