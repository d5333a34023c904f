import 'reflect-metadata';
import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Role } from './actor.js';

/** Who may call a route. A route with neither `@Roles` nor `@Public` is refused to everyone: forgetting fails closed. */
export type RouteAccess = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] };

export const ROUTE_ACCESS = Symbol('docket:route-access');

/**
 * Allows the listed roles (on a controller, or on a handler, which then wins over its controller). `admin` is a role
 * like the others, with no implicit access: list it where it belongs.
 */
export function Roles(...roles: [Role, ...Role[]]): ClassDecorator & MethodDecorator {
  return applyDecorators(routeAccess({ kind: 'roles', roles }), ApiBearerAuth());
}

/** Allows anyone, with or without a token (the token is then ignored). */
export function Public(): ClassDecorator & MethodDecorator {
  return routeAccess({ kind: 'public' });
}

function routeAccess(access: RouteAccess): ClassDecorator & MethodDecorator {
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor?.value ?? target;
    // Both on one target would leave the route's access to decorator order; refuse while the class is defined.
    if (Reflect.hasOwnMetadata(ROUTE_ACCESS, holder)) {
      const where = key === undefined ? (target as { name?: string }).name : `${target.constructor.name}.${String(key)}`;
      throw new Error(`${where} has more than one @Roles/@Public: give exactly one`);
    }
    Reflect.defineMetadata(ROUTE_ACCESS, access, holder);
  };
}
