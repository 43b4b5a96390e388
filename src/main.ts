import 'reflect-metadata';
import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { registerBodyParsers } from './common/body-parsers';
import { HttpErrorFilter } from './common/http-error.filter';
import { httpLayerOptions, rejectMalformedQueries } from './common/http-layer-errors';
import { createLogger, PinoNestLogger } from './common/logger';
import { setupOpenApi } from './common/openapi';
import { RouteTable } from './common/route-table';
import { ConfigError, TesseraConfig } from './config/config';
import { loadConfig } from './config/load-config';
import { MetricsService } from './metrics/metrics.service';
import { RequestObserver } from './metrics/request-observer';
import { IngestLaneRoutes } from './ingestion/ingest-lane';
import { ProfileReadRoutes } from './profiles/profile-read-routes';

export interface AppOptions {
  /** Extra modules to mount beside the feature modules (tests, other entry points). */
  modules?: Array<Type | DynamicModule>;
  logger?: Logger;
  /** false: the profile GETs run through Nest as declared (profile-read-routes.ts, profile-read-lane.ts), to compare. */
  profileReadRoutes?: boolean;
  /** false: the single-item POSTs run through Nest as declared (ingestion/ingest-lane.ts), to compare. */
  ingestLane?: boolean;
}

export interface RunningApp {
  app: NestFastifyApplication;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/** Builds and initialises the app without listening (for in-process tests use startApp with PORT 0). */
export async function createApp(config: TesseraConfig, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const adapter = new FastifyAdapter({
    bodyLimit: config.limits.maxRequestBytes,
    logger: false,
    return503OnClosing: true,
    ...httpLayerOptions(logger),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.modules), adapter, {
    bodyParser: false,
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  registerBodyParsers(fastify, config.limits.maxRequestBytes);
  rejectMalformedQueries(fastify);
  const routes = new RouteTable();
  routes.attach(fastify);
  const profileReads = new ProfileReadRoutes();
  if (options.profileReadRoutes !== false) profileReads.attach(fastify);
  const ingestLane = new IngestLaneRoutes();
  if (options.ingestLane !== false) ingestLane.attach(fastify);
  const observer = new RequestObserver(app.get(MetricsService), logger);
  observeRequests(fastify, observer);
  // Nest routes fastify's own errors (body parsing, media type, 404) through its filters too: one place for all.
  const errors = new HttpErrorFilter(logger, routes);
  app.useGlobalFilters(errors);
  setupOpenApi(app);
  await app.init();
  profileReads.bind(app, errors, observer);
  if (options.profileReadRoutes !== false) profileReads.front(fastify);
  if (options.ingestLane !== false) ingestLane.front(app, fastify, errors, observer);
  return app;
}

export async function startApp(config: TesseraConfig, options: AppOptions = {}): Promise<RunningApp> {
  const app = await createApp(config, options);
  await app.listen({ port: config.port, host: config.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}

/** Request log and latency histogram by route pattern (RequestObserver), for every request fastify answers. */
function observeRequests(fastify: FastifyInstance, observer: RequestObserver): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    observer.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime);
    done();
  });
}

async function main(): Promise<void> {
  let config: TesseraConfig;
  try {
    config = await loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const running = await startApp(config, { logger });
  running.app.enableShutdownHooks();
  if (config.apiKeys.length === 0) logger.warn({ host: config.host }, 'no API_KEYS configured: serving without auth on loopback only');
  logger.info({ url: running.url, mode: config.mode, dataDir: config.dataDir }, 'tessera listening');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`tessera failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
