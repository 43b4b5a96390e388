export { AudienceRuntime, isAudienceDefinitionEvent, type WindowEngine } from './audience-runtime';
export { HeldMemberships } from './held-memberships';
