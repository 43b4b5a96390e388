import type { ComputedDefinitionEvent } from '../../projections/computed-attributes';
import { decideComputedAttribute, evolveComputedDefinitions, initialComputedDefinitions, type ComputedAttributeCommand } from './computed-attribute.decider';

function given(...events: ComputedDefinitionEvent[]) {
  const state = events.reduce(evolveComputedDefinitions, initialComputedDefinitions());
  return {
    when(command: ComputedAttributeCommand) {
      const run = () => decideComputedAttribute(command, state);
      return {
        then: (expected: ComputedDefinitionEvent[]) => expect(run()).toEqual(expected),
        thenFails: (code: string) => expect(run).toThrow(expect.objectContaining({ code })),
      };
    },
  };
}

const spec = { function: 'count' as const, eventType: 'purchase', window: { last: '30d' } };
const saved = (version: number, s: object = spec): ComputedDefinitionEvent =>
  ({ type: 'ComputedAttributeSaved', data: { name: 'purchases30d', version, ...s } as never });

describe('computed attribute decider', () => {
  it('a new name starts at version 1', () => {
    given().when({ type: 'SaveComputedAttribute', name: 'purchases30d', spec }).then([saved(1)]);
  });

  it('a change bumps the version; saving the same definition again decides nothing', () => {
    const changed = { ...spec, window: { last: '7d' } };
    given(saved(1)).when({ type: 'SaveComputedAttribute', name: 'purchases30d', spec: changed }).then([saved(2, changed)]);
    given(saved(1)).when({ type: 'SaveComputedAttribute', name: 'purchases30d', spec: { ...spec } }).then([]);
  });

  it('deleting is an event; an unknown name is a 404; a name defined again continues its versions', () => {
    given().when({ type: 'DeleteComputedAttribute', name: 'nope' }).thenFails('COMPUTED_ATTRIBUTE_NOT_FOUND');
    const deleted: ComputedDefinitionEvent = { type: 'ComputedAttributeDeleted', data: { name: 'purchases30d' } };
    given(saved(1)).when({ type: 'DeleteComputedAttribute', name: 'purchases30d' }).then([deleted]);
    given(saved(1), saved(2), deleted).when({ type: 'SaveComputedAttribute', name: 'purchases30d', spec }).then([saved(3)]);
  });
});
