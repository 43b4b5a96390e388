export { DestinationsModule } from './destinations.module';
export { DestinationsService } from './destinations.service';
