import type { ComputedAttributeDefinition } from './definition';
import { compileDefinition, type CompiledDefinition } from './definition';

/**
 * The computed-attribute definitions in force, folded from their stream (ComputedAttributeSaved / Deleted). Versions
 * survive a delete, so a name defined again starts at a new version and no state built for the old one is reused.
 */
export interface ComputedDefinitionsState {
  definitions: Map<string, ComputedAttributeDefinition>;
  /** The newest version ever saved per name, deleted or not. */
  versions: Map<string, number>;
}

export type ComputedDefinitionEvent =
  | { type: 'ComputedAttributeSaved'; data: ComputedAttributeDefinition }
  | { type: 'ComputedAttributeDeleted'; data: { name: string } };

export function initialComputedDefinitions(): ComputedDefinitionsState {
  return { definitions: new Map(), versions: new Map() };
}

export function evolveComputedDefinitions(state: ComputedDefinitionsState, event: ComputedDefinitionEvent): ComputedDefinitionsState {
  const definitions = new Map(state.definitions);
  const versions = new Map(state.versions);
  if (event.type === 'ComputedAttributeDeleted') definitions.delete(event.data.name);
  else {
    definitions.set(event.data.name, event.data);
    versions.set(event.data.name, Math.max(event.data.version, versions.get(event.data.name) ?? 0));
  }
  return { definitions, versions };
}

/** Every definition in force, compiled, in name order (so values and their keys come out in one order). */
export function compiledDefinitions(state: ComputedDefinitionsState): CompiledDefinition[] {
  return [...state.definitions.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(compileDefinition);
}
