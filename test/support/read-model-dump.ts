/** The dump lives in src so `tessera rebuild --verify` and the tests compare read models the same way. */
export { dumpReadModels, type DumpedProfile } from '../../src/cli/rebuild-dump';
