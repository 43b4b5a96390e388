import { Module } from '@nestjs/common';
import { EVENT_STORE } from '../event-store/event-store.port';
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
export class PrivacyModule {}
