/** Audiences. What other slices may use: the module and the definitions in force. */
export { AudiencesModule } from './audiences.module';
export { AudienceDefinitionsService, AUDIENCES_STREAM } from './audience-definitions.service';
export { AudienceMembershipsModule } from './audience-memberships.module';
export { AudienceMembershipsReader, type ProfileMembership } from './audience-memberships.reader';
export { AudienceRuntime, isAudienceDefinitionEvent, type WindowEngine } from './runtime';
