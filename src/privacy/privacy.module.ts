import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { SuppressionList } from './erasure/suppression-list';
import { PrivacyRequestsController } from './requests/privacy-requests.controller';
import { PrivacyRequestsService } from './requests/privacy-requests.service';

/**
 * Data subjects' rights (scope privacy): access and erasure requests. Crypto-shredding itself lives in the event
 * store wrapper (encrypting-event-store.ts), wired by the event store factory, so it covers every reader.
 */
@Module({
  imports: [IdentityModule],
  controllers: [PrivacyRequestsController],
  providers: [PrivacyRequestsService, SuppressionList],
  exports: [SuppressionList],
})
export class PrivacyModule {}
