import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module';
import { ComputedAttributesModule } from './computed-attributes';
import { ChangeFeedModule } from './change-feed/change-feed.module';
import { DestinationsModule } from './destinations';
import { AudiencesModule } from './audiences';
import { ApiKeyGuard } from './common/api-key.guard';
import { ConfigModule } from './config/config.module';
import type { TesseraConfig } from './config/config';
import { createEventStore } from './event-log';
import { EventStoreModule } from './event-store/event-store.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { MergePoliciesModule } from './merge-policies/merge-policies.module';
import { MetricsModule } from './metrics/metrics.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ProfilesModule } from './profiles/profiles.module';
import { SimulateGraphModule } from './identity/simulate-graph/simulate-graph.controller';
import { ProjectorModule } from './projector/projector.module';
import { ViewerModule } from './viewer';
import { SegmentModule } from './segment';

/**
 * The feature slices of the service. A new slice (profiles queries, projector, ...) adds its module here. Every
 * slice can inject TESSERA_CONFIG, EVENT_STORE, CommandBus/QueryBus, MetricsService and ReadinessRegistry, and
 * guards its routes with @RequireScope(...).
 */
export const FEATURE_MODULES: Array<Type | DynamicModule> = [
  IdentityModule,
  SimulateGraphModule,
  IngestionModule,
  ProjectorModule.forRoot(),
  MergePoliciesModule,
  ComputedAttributesModule,
  ProfilesModule,
  ViewerModule,
  AuditModule,
  ChangeFeedModule,
  DestinationsModule,
  PrivacyModule,
  SegmentModule,
  AudiencesModule,
];

@Module({})
export class AppModule {
  /** `extra` lets a test or a separate entry point (e.g. a projector process) add modules without editing this file. */
  static forRoot(config: TesseraConfig, extra: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CqrsModule.forRoot(),
        EventStoreModule.forRoot(createEventStore),
        MetricsModule,
        HealthModule,
        ...FEATURE_MODULES,
        ...extra,
      ],
      providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
    };
  }
}
