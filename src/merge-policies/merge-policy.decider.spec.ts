import {
  decideMergePolicy,
  defaultPolicy,
  evolveMergePolicies,
  initialMergePolicyState,
  MergePolicyCommand,
  MergePolicyEvent,
  MergePolicyState,
} from './merge-policy.decider';

/** given(events).when(command).then(events | error code), the emmett way. */
function given(...events: MergePolicyEvent[]) {
  const state = events.reduce<MergePolicyState>(evolveMergePolicies, initialMergePolicyState());
  return {
    state,
    when(command: MergePolicyCommand) {
      const run = () => decideMergePolicy(command, state);
      return {
        then: (expected: MergePolicyEvent[]) => expect(run()).toEqual(expected),
        thenFails: (code: string) => expect(run).toThrow(expect.objectContaining({ code })),
      };
    },
  };
}

const crmFirst = { type: 'sourcePrecedence' as const, order: ['crm', 'loyalty'] };
const saved = (policyId: string, isDefault: boolean): MergePolicyEvent => ({
  type: 'MergePolicySaved',
  data: { policyId, attributeMerge: crmFirst, identityStitching: 'graph', default: isDefault },
});

describe('merge policy decider', () => {
  it('a fresh store has the built-in default: timestampOrdered + graph', () => {
    expect(defaultPolicy(given().state)).toEqual({
      id: 'default',
      attributeMerge: { type: 'timestampOrdered' },
      identityStitching: 'graph',
      default: true,
    });
  });

  it('saving a new policy without default keeps the current default', () => {
    given()
      .when({ type: 'SaveMergePolicy', policy: { id: 'crm', attributeMerge: crmFirst, identityStitching: 'graph' } })
      .then([saved('crm', false)]);
  });

  it('making another policy the default takes the flag away from the old one: exactly one default', () => {
    const { state } = given(saved('crm', true));
    expect([...state.policies.values()].filter((p) => p.default).map((p) => p.id)).toEqual(['crm']);
  });

  it('the default cannot be demoted directly or deleted', () => {
    given()
      .when({
        type: 'SaveMergePolicy',
        policy: { id: 'default', attributeMerge: crmFirst, identityStitching: 'none', default: false },
      })
      .thenFails('MERGE_POLICY_DEFAULT_REQUIRED');
    given().when({ type: 'DeleteMergePolicy', policyId: 'default' }).thenFails('MERGE_POLICY_DEFAULT_REQUIRED');
  });

  it('re-saving the default without the flag keeps it the default', () => {
    given(saved('crm', true))
      .when({ type: 'SaveMergePolicy', policy: { id: 'crm', attributeMerge: crmFirst, identityStitching: 'none' } })
      .then([{ type: 'MergePolicySaved', data: { policyId: 'crm', attributeMerge: crmFirst, identityStitching: 'none', default: true } }]);
  });

  it('deleting an unknown policy is a 404, deleting a non-default one is an event', () => {
    given().when({ type: 'DeleteMergePolicy', policyId: 'nope' }).thenFails('MERGE_POLICY_NOT_FOUND');
    given(saved('crm', false))
      .when({ type: 'DeleteMergePolicy', policyId: 'crm' })
      .then([{ type: 'MergePolicyDeleted', data: { policyId: 'crm' } }]);
  });
});
