import type { INestApplicationContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { ApiKeyCheck, REQUIRED_SCOPE, type HttpErrorFilter } from '../common';
import { TESSERA_CONFIG, type Scope, type TesseraConfig } from '../config';
import type { RequestObserver } from '../metrics';
import { GetProfileController, profileReadByPath } from './get-profile/get-profile.controller';
import { GetProfileHandler, type GetProfileQuery } from './get-profile/get-profile.query';
import { LookupProfileController, profileReadByQuery } from './lookup-profile/lookup-profile.controller';
import { JSON_TYPE, PROFILE_BY_PATH_ROUTE, ProfileReadLane } from './profile-read-lane';

type ReadOf = (request: FastifyRequest) => GetProfileQuery;

/** The profile GETs fastify runs itself, by route: the read each asks for and the controller method that declares it. */
const ROUTES: Record<string, { read: ReadOf; declared: [Function, Function] }> = {
  [PROFILE_BY_PATH_ROUTE]: {
    read: (r) => {
      const { namespace, id } = r.params as { namespace: string; id: string };
      return profileReadByPath(namespace, id, r.query);
    },
    declared: [GetProfileController.prototype.get, GetProfileController],
  },
  '/v1/profiles/lookup': { read: (r) => profileReadByQuery(r.query), declared: [LookupProfileController.prototype.lookup, LookupProfileController] },
};

/**
 * The profile GETs (by path and by query string) without Nest's request pipeline: the hot read of the service, where
 * Nest's router context, guard and pipe consumers and the QueryBus cost more per request than the read itself. The
 * routes stay declared by their controllers (OpenAPI, HEAD); fastify's handler for each GET is swapped for one that
 * runs the same steps with the same code: the scope check of ApiKeyGuard (ApiKeyCheck, the scope from the method's
 * @RequireScope), the query validated with class-validator by the controller's own function, GetProfileHandler's
 * JSON read, the controller's Content-Type, and every error answered by the app's HttpErrorFilter. Swapped at
 * `onRoute`, so `attach` must run before Nest registers its routes, and `bind` once the app is initialised; until
 * then the routes answer through Nest.
 */
export class ProfileReadRoutes {
  private served?: { handler: GetProfileHandler; keys: ApiKeyCheck; errors: HttpErrorFilter; scopes: Map<string, Scope | undefined>; observer: RequestObserver };
  private lane?: ProfileReadLane;
  /** GET routes shaped like the lane's (`/v1/profiles/a/b`) other than it: their paths are never the lane's. */
  private readonly siblings: string[][] = [];

  attach(fastify: FastifyInstance): void {
    const routes = this;
    fastify.addHook('onRoute', (route) => {
      const segments = route.url.split('/');
      if (route.url !== PROFILE_BY_PATH_ROUTE && [route.method].flat().includes('GET') && segments.length === 5 && route.url.startsWith('/v1/profiles/')) {
        routes.siblings.push(segments.slice(3));
      }
      const spec = ROUTES[route.url];
      if (!spec || route.method !== 'GET') return;
      const viaNest = route.handler;
      const url = route.url;
      route.handler = function (this: FastifyInstance, request, reply) {
        // An empty segment (`/v1/profiles//x`) is Nest's route-not-found, as its handler wrapper answers it.
        const emptyParam = Object.values(request.params as Record<string, string>).includes('');
        return routes.served && !emptyParam ? routes.serve(url, spec.read, request, reply) : viaNest.call(this, request, reply);
      } as RouteHandlerMethod;
    });
    // Added here, before the app is ready: once fastify closes, the lane leaves every request to it (its 503).
    fastify.addHook('preClose', (done) => {
      routes.lane?.close();
      done();
    });
  }

  bind(app: INestApplicationContext, errors: HttpErrorFilter, observer: RequestObserver): void {
    const reflector = app.get(Reflector);
    const scopes = new Map(Object.entries(ROUTES).map(([url, spec]) => [url, reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, spec.declared)]));
    const config = app.get<TesseraConfig>(TESSERA_CONFIG, { strict: false });
    this.served = { handler: app.get(GetProfileHandler, { strict: false }), keys: new ApiKeyCheck(config), errors, scopes, observer };
  }

  /**
   * The by-path GET without a query string answered before fastify routes it (profile-read-lane.ts), after `bind`.
   * Only requests that reach the server go through it: fastify's `inject` never does.
   */
  front(fastify: FastifyInstance): void {
    const { handler, keys, scopes, observer } = this.served!;
    const lane = new ProfileReadLane({ handler, keys, scope: scopes.get(PROFILE_BY_PATH_ROUTE), observer, siblings: this.siblings });
    if (lane.front(fastify.server)) this.lane = lane;
  }

  private serve(url: string, read: ReadOf, request: FastifyRequest, reply: FastifyReply): void {
    const { handler, keys, errors, scopes } = this.served!;
    const failed = (error: unknown) => errors.respond(error, request, reply);
    try {
      keys.authorize(request.headers.authorization, scopes.get(url));
      handler.executeJson(read(request)).then((json) => void reply.header('content-type', JSON_TYPE).send(json), failed);
    } catch (error) {
      failed(error);
    }
  }
}
