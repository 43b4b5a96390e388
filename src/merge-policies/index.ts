/** What other slices may use of this one: import from here, not from its files. */
export { type MergePolicy } from './merge-policy.decider';
export { MergePoliciesService } from './merge-policies.service';
