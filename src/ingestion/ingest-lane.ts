import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { INestApplicationContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ApiKeyCheck, decodeUtf8, parseJson, REQUIRED_SCOPE, type HttpErrorFilter, type MappedError } from '../common';
import { TESSERA_CONFIG, type Scope, type TesseraConfig } from '../config';
import type { RequestObserver } from '../metrics';
import { IngestionController } from './ingestion.controller';
import type { AcceptedDto } from './ingestion.dto';

/** The content type fastify writes for a JSON reply (an object sent), the acknowledgement and the error body alike. */
const REPLY_TYPE = 'application/json; charset=utf-8';

export interface LaneRoute {
  /** The controller's own method for the route, as Nest calls it with the parsed body. */
  call(body: unknown): Promise<AcceptedDto>;
  /** The scope its @RequireScope names, as ApiKeyGuard reads it. */
  scope: Scope | undefined;
}

export interface LaneWrites {
  /** The single-item routes by path (`/v1/events`). */
  routes: ReadonlyMap<string, LaneRoute>;
  keys: ApiKeyCheck;
  /** The body limit fastify enforces (MAX_REQUEST_BYTES): a longer Content-Length is fastify's 413. */
  maxBodyBytes: number;
  /** The app's error mapping (HttpErrorFilter.mapped): a status and the API's error body, a 500 logged. */
  mapError(error: unknown): MappedError;
  observer: RequestObserver;
}

/**
 * `POST /v1/events`, `/v1/records` and `/v1/links` with a plain JSON body, answered from node:http's request event
 * before fastify routes it: the service's hot write, where fastify's per-request machinery (router, Request and
 * Reply, hooks, its content-type parser and the AsyncResource it binds) and Nest's (router context, guard, filters)
 * cost about a quarter of a single event's CPU beside sealing and the log (BENCHMARKS.md, h17post). The lane runs
 * what those would run, with the same code: the ApiKeyCheck of ApiKeyGuard with the controller's scope, the body
 * decoded by the parser fastify uses (decodeUtf8, parseJson), the controller's own method (so the same
 * IngestItemsCommand, class-validator and the same durable append: the 202 is written only once the append resolved),
 * the app's error mapping for anything thrown, the reply headers fastify writes (content-type, content-length) and
 * the request's metric (RequestObserver, as fastify's onResponse hook records it).
 *
 * The lane decides before it reads a byte of the body, and leaves to fastify, untouched, anything unusual: another
 * method or path (a query string, a trailing slash), a Content-Type other than exactly `application/json`, any
 * Content-Encoding, Transfer-Encoding, a missing, zero or over-limit Content-Length, a refused key, and every request
 * once the app is closing (fastify's 503). Once it has taken a request it answers it, errors included (a body that is
 * not UTF-8 or JSON, a rejected item). A fastify hook added later does not run here: adding one means deciding
 * here whether the lane must run it too. test/e2e/ingest-lane.test.ts compares the lane's answers (status, headers,
 * body) with Nest's for valid and hostile requests.
 */
export class IngestLane {
  private closing = false;

  constructor(private readonly writes: LaneWrites) {}

  /**
   * Puts the lane in front of the server's request listener (fastify's, or another lane in front of it). Without
   * exactly one listener, nothing changes: the lane is then off and every request goes on as before.
   */
  front(server: Server): boolean {
    const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    if (listeners.length !== 1) return false;
    const next = listeners[0];
    server.removeListener('request', next);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!this.take(req, res)) next(req, res);
    });
    return true;
  }

  /** From fastify's preClose: from then on fastify answers (503 while it drains). */
  close(): void {
    this.closing = true;
  }

  private take(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.closing || req.method !== 'POST') return false;
    const url = req.url;
    const route = url === undefined ? undefined : this.writes.routes.get(url);
    if (route === undefined) return false;
    const headers = req.headers;
    if (headers['content-type'] !== 'application/json' || headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
    const length = headers['content-length'];
    if (length === undefined || !/^[1-9][0-9]{0,9}$/.test(length) || Number(length) > this.writes.maxBodyBytes) return false;
    try {
      this.writes.keys.authorize(headers.authorization, route.scope);
    } catch {
      return false;
    }
    const started = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => void chunks.push(chunk));
    // An aborted request never ends: nothing is parsed, appended or answered, as with fastify.
    req.on('end', () => {
      const done = (status: number, body: unknown, close = false) => {
        const json = JSON.stringify(body);
        const head: Record<string, string | number> = { 'content-type': REPLY_TYPE, 'content-length': Buffer.byteLength(json) };
        // A body the parser refused ends the connection, as fastify ends it (its content-type-parser.js).
        if (close) head.connection = 'close';
        res.writeHead(status, head);
        res.end(json);
        this.writes.observer.observe('POST', url!, status, performance.now() - started);
      };
      const failed = (error: unknown, close = false) => {
        const { status, body } = this.writes.mapError(error);
        done(status, body, close);
      };
      let body: unknown;
      try {
        body = parseJson(decodeUtf8(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
      } catch (error) {
        failed(error, true);
        return;
      }
      let accepted: Promise<AcceptedDto>;
      try {
        accepted = route.call(body);
      } catch (error) {
        failed(error);
        return;
      }
      accepted.then((ack) => done(202, ack), failed);
    });
    return true;
  }
}

/**
 * The lane's wiring: `attach` before the app is initialised (fastify takes no hook once it is ready), `front` after
 * it, once the controller and the app's error filter exist. Only requests that reach the server go through the lane:
 * fastify's `inject` never does.
 */
export class IngestLaneRoutes {
  private lane?: IngestLane;

  attach(fastify: FastifyInstance): void {
    // Once fastify closes, the lane leaves every request to it (its 503).
    fastify.addHook('preClose', (done) => {
      this.lane?.close();
      done();
    });
  }

  front(app: INestApplicationContext, fastify: FastifyInstance, errors: HttpErrorFilter, observer: RequestObserver): void {
    const controller = app.get(IngestionController, { strict: false });
    const config = app.get<TesseraConfig>(TESSERA_CONFIG, { strict: false });
    const reflector = app.get(Reflector);
    const route = (method: (body: unknown) => Promise<AcceptedDto>): LaneRoute => ({
      call: (body) => method.call(controller, body),
      scope: reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, [method, IngestionController]),
    });
    const { prototype } = IngestionController;
    const routes = new Map([
      ['/v1/events', route(prototype.event)],
      ['/v1/records', route(prototype.record)],
      ['/v1/links', route(prototype.link)],
    ]);
    const lane = new IngestLane({
      routes,
      keys: new ApiKeyCheck(config),
      maxBodyBytes: config.limits.maxRequestBytes,
      mapError: (error) => errors.mapped(error),
      observer,
    });
    if (lane.front(fastify.server)) this.lane = lane;
  }
}
