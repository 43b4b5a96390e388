import { DEFAULT_MODEL_VERSION, type ReadStoreOptions } from './read-store.port';

const MODEL_VERSION = /^[a-z0-9_]{1,32}$/;

/** The prefix is spliced into table and collection names, so it is checked before any use. */
export function modelPrefix(options: ReadStoreOptions | undefined): string {
  const version = options?.modelVersion ?? DEFAULT_MODEL_VERSION;
  if (!MODEL_VERSION.test(version)) throw new TypeError(`Invalid read model version: ${version}`);
  return `${version}_`;
}
