import type { AudienceDefinitions } from './definitions';
import type { ProfileView } from './evaluate';
import { evaluateAll } from './membership';

/** An entry or exit that time alone caused (a window lapsed), as a history entry lists it. */
export interface LapseTransition {
  audienceId: string;
  kind: 'entered' | 'exited';
}

/**
 * The audiences a profile entered or exited at a lapse: every definition in force evaluated from scratch just
 * before and at the moment (the profile's attributes and identities as its last step left them, its values before
 * and after), audiences of audiences following in the same evaluation. Pure: the history derives lapses from the log
 * and the definitions, never from when a timer fired. In definition order (an audience after those it names).
 */
export function lapseTransitions(
  definitions: AudienceDefinitions,
  profile: Omit<ProfileView, 'computed'>,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): LapseTransition[] {
  if (definitions.byId.size === 0) return [];
  const was = evaluateAll(definitions, { ...profile, computed: before });
  const is = evaluateAll(definitions, { ...profile, computed: after });
  const moves: LapseTransition[] = [];
  for (const audienceId of definitions.order) {
    if (was.has(audienceId) !== is.has(audienceId)) moves.push({ audienceId, kind: is.has(audienceId) ? 'entered' : 'exited' });
  }
  return moves;
}
