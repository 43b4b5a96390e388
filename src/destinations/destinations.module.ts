import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { ChangeFeedModule } from '../change-feed';
import { TESSERA_CONFIG, type TesseraConfig } from '../config';
import { DESTINATION_STORE, type DestinationStore } from './destination-store.port';
import { DestinationsController } from './destinations.controller';
import { DestinationsService } from './destinations.service';

/** Embedded: DATA_DIR/destinations.sqlite; distributed: the `destinations` collection of MONGODB_URL's database. */
async function openDestinationStore(config: TesseraConfig): Promise<DestinationStore> {
  if (config.mongodbUrl) {
    const { openMongoDestinationStore } = await import('./store/mongodb');
    return openMongoDestinationStore(config.mongodbUrl);
  }
  const { openSqliteDestinationStore } = await import('./store/sqlite');
  return openSqliteDestinationStore(join(config.dataDir, 'destinations.sqlite'));
}

@Module({
  imports: [ChangeFeedModule],
  controllers: [DestinationsController],
  providers: [
    { provide: DESTINATION_STORE, inject: [TESSERA_CONFIG], useFactory: openDestinationStore },
    DestinationsService,
  ],
})
export class DestinationsModule {}
