import type { Condition } from '../conditions';
import { evolveDefinitions, initialDefinitions, type AudienceDefinitions } from './definitions';
import { buildDependencyIndex } from './dependency-index';
import type { ProfileView } from './evaluate';
import type { AudienceEngine } from './membership';

/** Definitions saved in the order given, each at a log time one second after the previous. */
export function definitionsOf(audiences: Record<string, Condition>): AudienceDefinitions {
  let state = initialDefinitions();
  let second = 0;
  for (const [audienceId, condition] of Object.entries(audiences)) {
    const at = new Date(Date.UTC(2024, 0, 1, 0, 0, second++)).toISOString();
    state = evolveDefinitions(state, { type: 'AudienceSaved', data: { audienceId, name: audienceId, condition, version: 1 } }, at);
  }
  return state;
}

export function engineOf(audiences: Record<string, Condition>): AudienceEngine {
  const definitions = definitionsOf(audiences);
  return { definitions, index: buildDependencyIndex(definitions) };
}

export function viewOf(partial: Partial<{ attributes: Record<string, unknown>; computed: Record<string, unknown>; namespaces: string[] }>): ProfileView {
  return {
    attributes: partial.attributes ?? {},
    computed: partial.computed ?? {},
    namespaces: new Set(partial.namespaces ?? []),
  };
}
