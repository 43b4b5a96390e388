import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE } from '../event-store/event-store.port';
import { ReadinessRegistry } from '../health';
import { IdentityModule } from '../identity/identity.module';
import type { EncryptingEventStore } from './encrypting-event-store';
import { SuppressionList } from './erasure/suppression-list';
import { PrivacyRequestsController } from './requests/privacy-requests.controller';
import { PrivacyRequestsService } from './requests/privacy-requests.service';
import { SubjectKeys } from './subject-keys';

/**
 * Data subjects' rights (scope privacy): access and erasure requests. Crypto-shredding itself lives in the event
 * store wrapper (encrypting-event-store.ts), composed around the log in src/event-log.ts, so it covers every reader.
 */
@Module({
  imports: [IdentityModule],
  controllers: [PrivacyRequestsController],
  providers: [
    PrivacyRequestsService,
    SuppressionList,
    // The erasure deletes keys through the same cache the log is read with.
    { provide: SubjectKeys, inject: [EVENT_STORE], useFactory: (log: EncryptingEventStore) => log.keys },
  ],
  exports: [SuppressionList],
})
export class PrivacyModule implements OnApplicationBootstrap {
  constructor(
    private readonly keys: SubjectKeys,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onApplicationBootstrap(): void {
    // Every append of something personal needs its subject's key: a key store that cannot answer stops ingestion.
    this.readiness.register('keyStore', async () => {
      await this.keys.store.check();
      return {};
    });
  }
}
