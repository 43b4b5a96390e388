import { isDeepStrictEqual } from 'node:util';
import {
  evolveComputedDefinitions,
  initialComputedDefinitions,
  type ComputedAttributeSpec,
  type ComputedDefinitionEvent,
  type ComputedDefinitionsState,
} from '../../projections/computed-attributes';
import { notFound } from '../common';

/**
 * Computed-attribute definitions as a decider over one stream (like merge policies). Saving a definition equal to
 * the one in force decides nothing, so a repeated PUT neither bumps the version nor starts a backfill.
 */
export type ComputedAttributeCommand =
  | { type: 'SaveComputedAttribute'; name: string; spec: ComputedAttributeSpec }
  | { type: 'DeleteComputedAttribute'; name: string };

export { initialComputedDefinitions, evolveComputedDefinitions };

export function decideComputedAttribute(command: ComputedAttributeCommand, state: ComputedDefinitionsState): ComputedDefinitionEvent[] {
  const current = state.definitions.get(command.name);
  if (command.type === 'DeleteComputedAttribute') {
    if (!current) throw notFound('COMPUTED_ATTRIBUTE_NOT_FOUND', `No computed attribute ${command.name}`);
    return [{ type: 'ComputedAttributeDeleted', data: { name: command.name } }];
  }
  if (current) {
    const { name: _name, version: _version, ...inForce } = current;
    if (isDeepStrictEqual(inForce, command.spec)) return [];
  }
  const version = (state.versions.get(command.name) ?? 0) + 1;
  return [{ type: 'ComputedAttributeSaved', data: { name: command.name, version, ...command.spec } }];
}
