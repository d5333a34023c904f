import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthorisedActor } from './actor.js';

const AUTHORISED_ACTOR = Symbol('docket:authorised-actor');

/** Called by the auth guard once it has let a request through on a `@Roles` route. */
export function attachAuthorisedActor(request: object, actor: AuthorisedActor): void {
  (request as { [AUTHORISED_ACTOR]?: AuthorisedActor })[AUTHORISED_ACTOR] = actor;
}

export function authorisedActorOf(request: object): AuthorisedActor | undefined {
  return (request as { [AUTHORISED_ACTOR]?: AuthorisedActor })[AUTHORISED_ACTOR];
}

/** The `{id, role}` that authorised this request, for event metadata: `@CurrentActor() actor: AuthorisedActor`. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): AuthorisedActor => {
  const actor = authorisedActorOf(context.switchToHttp().getRequest<object>());
  // Only a `@Public` route has no actor: using this there is a programming error, not a client's.
  if (!actor) throw new Error('@CurrentActor() needs a route guarded by @Roles');
  return actor;
});
