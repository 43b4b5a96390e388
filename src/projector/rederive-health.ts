import type { ReadStore } from '../read-store';
import { MAIN_PROJECTOR } from './projector';
import { progressOf } from './rederive-runner';

/** A streamed re-derivation under way (a settings change walking every graph), as /v1/health shows it. */
export interface RederivationHealth {
  /** Log position of the rule event it re-derives for. */
  rule: string;
  /** ISO time the walk began; null for a walk stored before walks kept it. */
  startedAt: string | null;
  /** Chunks committed so far (the first one with the rule event). */
  chunks: number;
  /** Identities re-derived and profiles written so far (counts: a graph the walk reaches again counts again). */
  identities: number;
  graphs: number;
}

/**
 * Read from the read models, not from this process's projector: every instance shows the walk, whichever process
 * runs it (PROJECTOR=external, a standby). Null when none runs.
 */
export async function rederivationHealth(store: ReadStore): Promise<RederivationHealth | null> {
  const job = await store.getRederiveJob(MAIN_PROJECTOR);
  if (!job) return null;
  const { rule, startedAt, chunks, identities, graphs } = progressOf(job);
  return { rule, startedAt: startedAt === undefined ? null : new Date(startedAt).toISOString(), chunks, identities, graphs };
}
