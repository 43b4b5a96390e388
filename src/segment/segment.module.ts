import { Inject, Injectable, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ConfigError, mappedNamespaces, TESSERA_CONFIG, TesseraConfig } from '../config';
import { IdentityModule, IdentitySettingsService } from '../identity';
import { registerSegmentBodies } from './segment-body';
import { SegmentController, SEGMENT_PATHS } from './segment.controller';
import { SegmentIngestion } from './segment-ingestion';
import { WriteKeys } from './write-keys';

/**
 * Start-up wiring: the body handling of the Segment routes on the HTTP server, and the check that every namespace
 * SEGMENT_NAMESPACES maps to is registered. Settings can change at run time (PUT /v1/identity/settings): a namespace
 * dropped later is not re-checked; messages naming it are then rejected one by one as UNKNOWN_NAMESPACE.
 */
@Injectable()
export class SegmentStartup implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly settings: IdentitySettingsService,
    private readonly writeKeys: WriteKeys,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (fastify) registerSegmentBodies(fastify, SEGMENT_PATHS, this.writeKeys);
  }

  onApplicationBootstrap(): void {
    // Without write keys nobody can send, and the mapping is never used: nothing to check.
    if (this.config.segment.writeKeys.length === 0) return;
    const registered = new Set(this.settings.current().settings.namespaces.map((n) => n.code));
    const missing = mappedNamespaces(this.config.segment.namespaces).filter(([, code]) => !registered.has(code));
    if (missing.length === 0) return;
    throw new ConfigError(
      missing.map(
        ([name, code]) =>
          `SEGMENT_NAMESPACES maps ${name} to ${code}, which the identity settings do not register ` +
          `(registered: ${[...registered].join(', ')}); start without SEGMENT_WRITE_KEYS, register it (PUT /v1/identity/settings) and start again, or map ${name} elsewhere`,
      ),
    );
  }
}

@Module({
  imports: [IdentityModule],
  controllers: [SegmentController],
  providers: [
    SegmentIngestion,
    SegmentStartup,
    { provide: WriteKeys, useFactory: (config: TesseraConfig) => new WriteKeys(config.segment.writeKeys), inject: [TESSERA_CONFIG] },
  ],
})
export class SegmentModule {}
