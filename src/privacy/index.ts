/** Data subjects' rights and crypto-shredding: what other slices and the composition root may use. */
export { encryptedLog } from './encrypted-log';
export { EncryptingEventStore } from './encrypting-event-store';
export { SuppressionList } from './erasure/suppression-list';
export { PrivacyModule } from './privacy.module';
export { SubjectKeys } from './subject-keys';
