/** Identity settings (namespaces, their types and priorities). What other slices may use of them. */
export { IdentityModule } from './identity.module';
export { IdentitySettingsService, type CurrentSettings } from './identity-settings.service';
export { subjectIdOf, subjectIdOfStream, subjectStream, subjectStreamOf } from './subject-stream';
export { SETTINGS_STREAM } from './identity-settings.decider';
