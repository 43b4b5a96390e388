/** Audiences. What other slices may use: the module and the definitions in force. */
export { AudiencesModule } from './audiences.module';
export { AudienceDefinitionsService, AUDIENCES_STREAM } from './audience-definitions.service';
