import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { IngestItemsHandler } from './ingest-items.handler';
import { IngestionController } from './ingestion.controller';

@Module({
  imports: [IdentityModule],
  controllers: [IngestionController],
  providers: [IngestItemsHandler],
})
export class IngestionModule {}
