import type { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { DecisionContext } from '../command-handling/decision.js';
import { DecideOnProgram, type ProgramDecisionOutcome } from './decide-on-program.command.js';
import type { ProgramCommand } from '../program/program.commands.js';
import { notesOf } from '../observability/request-notes.js';

/**
 * Sends the decision over the command bus and answers it: 201 when taken now, 200 when an idempotent retry replays
 * the first outcome, the revision as ETag either way. Written to the response directly because Nest would otherwise
 * overwrite the status with the route's fixed one.
 */
export async function takeDecision(commandBus: CommandBus, reply: FastifyReply, command: ProgramCommand, context: DecisionContext): Promise<void> {
  const outcome = await commandBus.execute<DecideOnProgram, ProgramDecisionOutcome>(new DecideOnProgram(command, context));
  const { replayed, programId, revision, position, events } = outcome;
  const notes = notesOf(reply.request.raw);
  notes.decision = {
    command: command.type,
    programId,
    outcome: replayed ? 'replayed' : 'recorded',
    revision,
    ...(events.length > 0 ? { positions: { first: events[0]!.position, last: events.at(-1)!.position } } : {}),
  };
  const body = JSON.stringify({ programId, revision, position, events: events.map(({ type, revision, position }) => ({ type, revision, position })) });
  // Serialised here, once: Fastify sends a string as it is, with its length. Not awaited: a FastifyReply's `then`
  // waits for the client to take the answer, and a client gone by then is no error of the decision's.
  void reply
    .code(replayed ? 200 : 201)
    .header('ETag', `"${revision}"`)
    .header('Content-Type', 'application/json; charset=utf-8')
    .send(body);
}
