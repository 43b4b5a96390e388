import { conflict, notFound } from '../common';
import type { AttributeMerge, DomainEvent, MergePolicyDeletedV1, MergePolicySavedV1 } from '../events';

/**
 * Merge policies as a decider over one stream: exactly one policy is the default at any time. A fresh store holds
 * the built-in `default` (timestampOrdered + graph) without any event, so replays of an empty log agree with it.
 */
export interface MergePolicy {
  id: string;
  attributeMerge: AttributeMerge;
  identityStitching: 'graph' | 'none';
  default: boolean;
}

export interface MergePolicyState {
  policies: Map<string, MergePolicy>;
}

export const BUILT_IN_DEFAULT: MergePolicy = {
  id: 'default',
  attributeMerge: { type: 'timestampOrdered' },
  identityStitching: 'graph',
  default: true,
};

export function initialMergePolicyState(): MergePolicyState {
  return { policies: new Map([[BUILT_IN_DEFAULT.id, { ...BUILT_IN_DEFAULT }]]) };
}

export type MergePolicyEvent = DomainEvent<'MergePolicySaved'> | DomainEvent<'MergePolicyDeleted'>;

export function evolveMergePolicies(state: MergePolicyState, event: MergePolicyEvent): MergePolicyState {
  const policies = new Map(state.policies);
  if (event.type === 'MergePolicyDeleted') {
    policies.delete(event.data.policyId);
    return { policies };
  }
  const saved = event.data;
  if (saved.default) for (const [id, p] of policies) if (p.default) policies.set(id, { ...p, default: false });
  policies.set(saved.policyId, {
    id: saved.policyId,
    attributeMerge: saved.attributeMerge,
    identityStitching: saved.identityStitching,
    default: saved.default,
  });
  return { policies };
}

export type MergePolicyCommand =
  | { type: 'SaveMergePolicy'; policy: Omit<MergePolicy, 'default'> & { default?: boolean } }
  | { type: 'DeleteMergePolicy'; policyId: string };

export function decideMergePolicy(command: MergePolicyCommand, state: MergePolicyState): MergePolicyEvent[] {
  if (command.type === 'DeleteMergePolicy') return decideDelete(command.policyId, state);
  const { policy } = command;
  const current = state.policies.get(policy.id);
  const makeDefault = policy.default ?? current?.default ?? false;
  if (current?.default && !makeDefault) {
    throw conflict(
      'MERGE_POLICY_DEFAULT_REQUIRED',
      `Policy ${policy.id} is the default; make another policy the default first`,
    );
  }
  const data: MergePolicySavedV1 = {
    policyId: policy.id,
    attributeMerge: policy.attributeMerge,
    identityStitching: policy.identityStitching,
    default: makeDefault,
  };
  return [{ type: 'MergePolicySaved', data }];
}

function decideDelete(policyId: string, state: MergePolicyState): MergePolicyEvent[] {
  const current = state.policies.get(policyId);
  if (!current) throw notFound('MERGE_POLICY_NOT_FOUND', `No merge policy ${policyId}`);
  if (current.default) {
    throw conflict('MERGE_POLICY_DEFAULT_REQUIRED', `Policy ${policyId} is the default and cannot be deleted`);
  }
  const data: MergePolicyDeletedV1 = { policyId };
  return [{ type: 'MergePolicyDeleted', data }];
}

export function defaultPolicy(state: MergePolicyState): MergePolicy {
  for (const p of state.policies.values()) if (p.default) return p;
  return BUILT_IN_DEFAULT;
}
