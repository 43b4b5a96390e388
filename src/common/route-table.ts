import type { FastifyInstance } from 'fastify';

/**
 * Which methods the service answers on a URL, so that a known path asked with the wrong method is a 405 (with
 * `Allow`) instead of the router's 404. Fastify keeps no such index it will share: the table is filled from its
 * `onRoute` hook, so it must be attached before the routes are registered.
 */
export class RouteTable {
  private readonly routes: Array<{ method: string; segments: string[] }> = [];

  attach(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.routes.push({ method, segments: route.url.split('/') });
    });
  }

  /** The methods some route answers on this URL (its query ignored); empty when no route has this path. */
  allowedMethods(url: string): string[] {
    const segments = url.split('?')[0].split('/');
    const methods = new Set(this.routes.filter((r) => matches(r.segments, segments)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}

/** Route patterns as fastify writes them: `:name` is one non-empty segment, a trailing `*` the rest of the path. */
function matches(pattern: string[], path: string[]): boolean {
  for (const [i, part] of pattern.entries()) {
    if (part === '*') return true;
    if (i >= path.length) return false;
    if (part.startsWith(':') ? path[i] === '' : part !== path[i]) return false;
  }
  return pattern.length === path.length;
}
