import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { TESSERA_CONFIG, TesseraConfig } from '../config';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { ReadinessRegistry } from '../health';
import { MetricsService } from '../metrics';
import { READ_STORE, ReadStore } from '../read-store/read-store.port';
import { ReadStoreModule } from '../read-store/read-store.module';
import { profileIdOf } from '../read-models';
import { Projector } from './projector';
import { projectorStatus } from './projector-status';
import { ReadModelWatermark } from './read-model-watermark';
import { defaultLeaseHolder } from './lease-keeper';
import { leaseHealth, registerLeaseGauges } from './lease-health';
import { rederivationHealth } from './rederive-health';

/** Readiness fails when the read models trail the log by more than this. */
const MAX_READY_LAG_SECONDS = 30;

/**
 * The read side's runtime. PROJECTOR=inline (default) runs the projector in this process; `external` leaves it
 * to a separate `npm run projector` process and only reads its checkpoint. Either way the projector holds the
 * read models' lease while it writes, so several instances on one data dir or one MongoDB stand by for each other.
 */
@Module({})
export class ProjectorModule implements OnApplicationBootstrap, OnApplicationShutdown {
  static forRoot(): DynamicModule {
    return {
      module: ProjectorModule,
      global: true,
      imports: [ReadStoreModule],
      providers: [
        {
          provide: Projector,
          inject: [EVENT_STORE, READ_STORE, TESSERA_CONFIG],
          useFactory: (log: EventStore, store: ReadStore, config: TesseraConfig) =>
            config.projector.mode === 'inline'
              ? new Projector(log, store, {
                  batchSize: config.projector.batchSize,
                  profileIdOf: (g) => profileIdOf(config.identityHashKey!, g),
                  lease: { holder: config.projector.leaseHolder ?? defaultLeaseHolder(), ttlMs: config.projector.leaseTtlMs },
                })
              : null,
        },
        ReadModelWatermark,
      ],
      exports: [Projector, ReadModelWatermark],
    };
  }

  constructor(
    @Inject(Projector) private readonly projector: Projector | null,
    @Inject(EVENT_STORE) private readonly log: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly watermark: ReadModelWatermark,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.register('projector', async () => {
      const status = await projectorStatus(this.log, await this.watermark.current());
      const lastError = this.projector?.lastError;
      if (status.lagSeconds > MAX_READY_LAG_SECONDS || lastError) {
        throw new Error(`read models trail the log by ${status.lagSeconds.toFixed(1)} s${lastError ? `: ${lastError}` : ''}`);
      }
      const [lease, rederivation] = await Promise.all([leaseHealth(this.store, this.projector), rederivationHealth(this.store)]);
      return { ...status, inline: this.projector !== null, lease, rederivation };
    });
    this.registerLagGauge();
    registerLeaseGauges(this.metrics.registry, this.store, this.projector);
    this.projector?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector?.stop();
  }

  private registerLagGauge(): void {
    const self = this;
    new Gauge({
      name: 'tessera_projector_lag_seconds',
      help: 'Age of the oldest log event not yet in the read models (0 when caught up)',
      registers: [this.metrics.registry],
      async collect() {
        this.set((await projectorStatus(self.log, await self.watermark.current())).lagSeconds);
      },
    });
  }
}
