import { Module } from '@nestjs/common';
import { ChangeFeedModule } from '../change-feed/change-feed.module';
import { TESSERA_CONFIG, type TesseraConfig } from '../config';
import { DESTINATION_STORE } from './destination-store.port';
import { DestinationsController } from './destinations.controller';
import { DestinationsService } from './destinations.service';
import { destinationStoreTarget, openDestinationStore } from './open-destination-store';

@Module({
  imports: [ChangeFeedModule],
  controllers: [DestinationsController],
  providers: [
    { provide: DESTINATION_STORE, inject: [TESSERA_CONFIG], useFactory: (config: TesseraConfig) => openDestinationStore(destinationStoreTarget(config)) },
    DestinationsService,
  ],
})
export class DestinationsModule {}
