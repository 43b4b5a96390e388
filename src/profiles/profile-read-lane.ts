import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { ApiKeyCheck } from '../common';
import type { Scope } from '../config';
import type { RequestObserver } from '../metrics';
import { GetProfileQuery, type GetProfileHandler } from './get-profile/get-profile.query';

/** The content type fastify writes for the profile JSON, on the lane and on the fastify routes alike. */
export const JSON_TYPE = 'application/json; charset=utf-8';
const PREFIX = '/v1/profiles/';
export const PROFILE_BY_PATH_ROUTE = '/v1/profiles/:namespace/:id';
/** find-my-way's parameter limit as the app sets it (MAX_PATH_PARAM_LENGTH): a longer raw segment is fastify's. */
const MAX_RAW_SEGMENT = 4096;

export interface LaneReads {
  handler: GetProfileHandler;
  keys: ApiKeyCheck;
  scope: Scope | undefined;
  observer: RequestObserver;
  /** Other GET route patterns with as many segments as ours (`/v1/profiles/a/b`): a path one of them matches is not ours. */
  siblings: string[][];
}

/**
 * `GET /v1/profiles/{namespace}/{id}` with no query string, answered from node:http's request event, before fastify
 * routes it: the service's hot read, where fastify's per-request machinery (the router, Request and Reply objects,
 * six onRequest hooks, the reply's send path and response listeners) cost about as much CPU as node:http itself
 * and twice the read (BENCHMARKS.md, h17look). The lane answers only the 200: the same API key check (ApiKeyCheck,
 * the route's scope), the same read (GetProfileHandler.executeJson, the query of an empty query string), the
 * headers fastify writes for it (content-type, content-length; node adds Date and keep-alive), and the request's
 * metric and debug line (RequestObserver, as fastify's onResponse hook records them). Anything else goes to fastify
 * untouched, which then runs it from the start: a query string, a body, another method, a segment that is empty, too
 * long, holds `#` or an escape that does not decode, a path another route matches, a refused key, any error of the
 * read (so a 404 is read twice), and every request once the app is closing (fastify's 503).
 *
 * What the lane skips of fastify, and why it may: the onRequest hooks are Nest's (no middleware, CORS or
 * versioning is configured), rejectMalformedQueries (no query) and the Segment routes' (another route); the only
 * onResponse hook that does anything is RequestObserver's. A hook added to fastify later does not run here: adding
 * one means deciding here whether the lane must run it too. test/e2e/profile-read-routes.test.ts compares the lane's
 * answers (status, headers, body) with Nest's for reads, encodings, keys and errors.
 */
export class ProfileReadLane {
  private closing = false;

  constructor(private readonly reads: LaneReads) {}

  /**
   * Puts the lane in front of fastify's request listener (the only one fastify's server has). Without exactly one
   * listener, nothing changes: the lane is then off and every request is fastify's.
   */
  front(server: Server): boolean {
    const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    if (listeners.length !== 1) return false;
    const toFastify = listeners[0];
    server.removeListener('request', toFastify);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!this.take(req, res, toFastify)) toFastify(req, res);
    });
    return true;
  }

  /** From fastify's preClose: from then on fastify answers (503 while it drains). */
  close(): void {
    this.closing = true;
  }

  private take(req: IncomingMessage, res: ServerResponse, toFastify: (req: IncomingMessage, res: ServerResponse) => void): boolean {
    if (this.closing || req.method !== 'GET') return false;
    const identity = this.match(req);
    if (identity === undefined) return false;
    const { handler, keys, scope, observer } = this.reads;
    try {
      keys.authorize(req.headers.authorization, scope);
    } catch {
      return false;
    }
    const started = performance.now();
    handler.executeJson(new GetProfileQuery(identity.namespace, identity.id)).then(
      (json) => {
        res.writeHead(200, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(json) });
        res.end(json);
        observer.observe('GET', PROFILE_BY_PATH_ROUTE, 200, performance.now() - started);
      },
      () => toFastify(req, res),
    );
    return true;
  }

  /** The path's two segments decoded as find-my-way decodes parameters, or undefined where the lane leaves it. */
  private match(req: IncomingMessage): { namespace: string; id: string } | undefined {
    const url = req.url;
    if (url === undefined || !url.startsWith(PREFIX) || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return undefined;
    const slash = url.indexOf('/', PREFIX.length);
    if (slash <= PREFIX.length || slash === url.length - 1 || url.indexOf('/', slash + 1) !== -1) return undefined;
    // `?` starts a query string and `#` ends the path for find-my-way too: both are fastify's.
    if (url.includes('?') || url.includes('#')) return undefined;
    const rawNamespace = url.slice(PREFIX.length, slash);
    const rawId = url.slice(slash + 1);
    if (rawNamespace.length > MAX_RAW_SEGMENT || rawId.length > MAX_RAW_SEGMENT) return undefined;
    const namespace = decodeSegment(rawNamespace);
    const id = decodeSegment(rawId);
    if (namespace === undefined || id === undefined) return undefined;
    if (this.reads.siblings.length > 0 && this.reads.siblings.some((s) => matchesStatic(s, namespace, id))) return undefined;
    return { namespace, id };
  }
}

/**
 * A segment as find-my-way hands it to the route: decodeURI of the path, then decodeURIComponent of the parameter
 * when it holds an escape of a reserved character, which for a well-formed segment is decodeURIComponent of it
 * (find-my-way re-escapes `%25` first so that nothing is decoded twice). A malformed escape is fastify's 400.
 */
function decodeSegment(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** A sibling pattern `['a', ':p']` (the segments after /v1/profiles/) matches where its static parts are equal. */
function matchesStatic(pattern: string[], namespace: string, id: string): boolean {
  return (pattern[0].startsWith(':') || pattern[0] === namespace) && (pattern[1].startsWith(':') || pattern[1] === id);
}
