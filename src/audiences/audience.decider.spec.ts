import { evolveDefinitions, initialDefinitions, type AudienceDefinitionEvent } from '../../projections/audiences';
import { decideAudience, type AudienceCommand, type AudienceContext } from './audience.decider';

const ctx: AudienceContext = { namespaces: new Set(['CRMID', 'Email']) };
const hasEmail = { identity: 'Email', op: 'exists' };
const member = (audience: string) => ({ audience, op: 'member' });

/** given(events).when(command).then(events | error), the emmett way. */
function given(...events: AudienceDefinitionEvent[]) {
  const state = events.reduce((s, e) => evolveDefinitions(s, e, '2024-01-01T00:00:00.000Z'), initialDefinitions());
  return {
    when(command: AudienceCommand) {
      const run = () => decideAudience(command, state, ctx);
      return {
        then: (expected: AudienceDefinitionEvent[]) => expect(run()).toEqual(expected),
        thenFails: (code: string, details?: unknown[]) =>
          expect(run).toThrow(expect.objectContaining({ code, ...(details ? { details } : {}) })),
      };
    },
  };
}
const saved = (audienceId: string, condition: object, version = 1): AudienceDefinitionEvent => ({
  type: 'AudienceSaved',
  data: { audienceId, name: audienceId, condition: condition as never, version },
});
const save = (id: string, condition: unknown): AudienceCommand => ({ type: 'SaveAudience', id, name: id, condition });

describe('audience decider', () => {
  it('a save is an event with the next version', () => {
    given().when(save('a', hasEmail)).then([saved('a', hasEmail)]);
    given(saved('a', hasEmail)).when(save('a', member('b'))).thenFails('CONDITION_INVALID');
    given(saved('a', hasEmail), saved('b', hasEmail)).when(save('a', member('b'))).then([saved('a', member('b'), 2)]);
  });

  it('an invalid condition is a 422 with one detail per offending node', () => {
    given()
      .when(save('a', { and: [hasEmail, { attribute: 'x', op: 'between' }, { identity: 'Fax', op: 'exists' }] }))
      .thenFails('CONDITION_INVALID', [
        expect.objectContaining({ path: 'condition.and[1].op', code: 'CONDITION_INVALID' }),
        expect.objectContaining({ path: 'condition.and[2].identity', code: 'CONDITION_INVALID' }),
      ]);
  });

  it('a cycle is refused, a self-reference included', () => {
    given().when(save('a', member('a'))).thenFails('AUDIENCE_CYCLE');
    given(saved('a', hasEmail), saved('b', member('a'))).when(save('a', { not: member('b') })).thenFails('AUDIENCE_CYCLE', [
      expect.objectContaining({ cycle: ['a', 'b', 'a'] }),
    ]);
  });

  it('delete: 404 when unknown, AUDIENCE_IN_USE while another audience names it', () => {
    given().when({ type: 'DeleteAudience', id: 'a' }).thenFails('AUDIENCE_NOT_FOUND');
    given(saved('a', hasEmail), saved('b', member('a'))).when({ type: 'DeleteAudience', id: 'a' }).thenFails('AUDIENCE_IN_USE');
    given(saved('a', hasEmail), saved('b', member('a')))
      .when({ type: 'DeleteAudience', id: 'b' })
      .then([{ type: 'AudienceDeleted', data: { audienceId: 'b' } }]);
  });
});
