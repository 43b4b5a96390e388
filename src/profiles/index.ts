/** Profile reads. What other slices may use of them: the module and the identity → graph lookup every read starts with. */
export { ProfilesModule } from './profiles.module';
export { SubjectLookup } from './subject-lookup';
export { GetProfileQuery } from './get-profile/get-profile.query';
export { AsOfReader } from './as-of/as-of-reader';
export { snapshotStoredProfile } from './as-of/as-of-views';
