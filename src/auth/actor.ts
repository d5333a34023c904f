export const ROLES = ['official', 'evaluator', 'auditor', 'subscriber', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return (ROLES as readonly unknown[]).includes(value);
}

/** Whoever a known token belongs to: the `subject` and `roles` of its entry in the tokens file. */
export interface Actor {
  id: string;
  roles: readonly Role[];
}

/**
 * The actor as one request was authorised: `role` is the first of the token's roles that the route allows, so a
 * token holding several roles is recorded in event metadata under the one it acted in.
 */
export interface AuthorisedActor {
  id: string;
  role: Role;
}
