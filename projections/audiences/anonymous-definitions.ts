import type { Condition } from '../conditions';
import type { ComputedAttributeDefinition } from '../computed-attributes';
import { compileEventCondition } from './compile-event';
import { eventConditionsOf } from './condition-reads';
import type { AudienceDefinitions } from './definitions';

/**
 * The anonymous computed attributes every event condition in these conditions compiles to, each once, in name
 * order: what the window engine of computed attributes counts for audiences beside the named definitions. The
 * name is a hash of what is counted, so version 1 is enough: other content is another name.
 */
export function anonymousDefinitionsOf(conditions: Iterable<Condition>): ComputedAttributeDefinition[] {
  const byName = new Map<string, ComputedAttributeDefinition>();
  for (const condition of conditions) {
    for (const event of eventConditionsOf(condition).values()) {
      const { name, eventType, where, window } = compileEventCondition(event);
      byName.set(name, { name, version: 1, function: 'count', eventType, ...(where ? { where } : {}), ...(window ? { window } : {}) });
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Those of every audience in force. */
export function audienceCountDefinitions(definitions: AudienceDefinitions): ComputedAttributeDefinition[] {
  return anonymousDefinitionsOf([...definitions.byId.values()].map((d) => d.condition));
}
