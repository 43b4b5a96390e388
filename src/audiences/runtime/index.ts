export { AudienceRuntime, isAudienceDefinitionEvent, type WindowEngine } from './audience-runtime';
