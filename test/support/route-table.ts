import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ROUTE_ACCESS, type RouteAccess } from '../../src/auth/roles.decorator.js';

export interface RouteEntry {
  method: string;
  /** As the router matches it: the global prefix and the controller's and the handler's paths. */
  path: string;
  access: RouteAccess | undefined;
}

/** Every route the application serves, from its controllers' metadata, with the access its decorators declare. */
export function routeTable(app: INestApplication): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const wrappers = [...app.get(ModulesContainer).values()].flatMap((module) => [...module.controllers.values()]);
  for (const wrapper of wrappers) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
    if (!controller) continue;
    const base = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined].flat()[0] ?? '';
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const access = (Reflect.getMetadata(ROUTE_ACCESS, handler) ?? Reflect.getMetadata(ROUTE_ACCESS, controller)) as RouteAccess | undefined;
      for (const one of [path].flat()) {
        const joined = `/${[base, one].filter((part) => part && part !== '/').join('/')}`.replace(/\/+/g, '/');
        entries.push({ method, path: joined, access });
      }
    }
  }
  return entries;
}
