export { ViewerModule } from './viewer.module';
