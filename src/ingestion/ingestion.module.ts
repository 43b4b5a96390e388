import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { PrivacyModule } from '../privacy/privacy.module';
import { IngestItemsHandler } from './ingest-items.handler';
import { IngestionController } from './ingestion.controller';

@Module({
  imports: [IdentityModule, PrivacyModule],
  controllers: [IngestionController],
  providers: [IngestItemsHandler],
})
export class IngestionModule {}
