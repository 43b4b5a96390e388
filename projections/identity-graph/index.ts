/** The identity graph: a pure fold over items (DESIGN.md "The identity graph"), the simulator and normalisation. */
export { applyItem, applyItems, foldItems } from './apply-item';
export { components, removedLinks, type GraphComponent } from './components';
export { explainPath, type ExplainStep } from './explain';
export {
  REMOVAL_REASONS,
  type GraphItem,
  type GraphMerge,
  type GraphSplit,
  type ItemOutcome,
  type ItemRejection,
  type RemovalReason,
  type RemovedLinkChange,
} from './graph-item';
export { createGraphState, type GraphState } from './graph-state';
export { loadGraphScope, scopeGraphIds, scopeIdentityKeys, type GraphScopeReader } from './load-scope';
export * from './identity-rules';
export {
  simulate,
  simulateWithCodes,
  type SimulateEvent,
  type SimulateInput,
  type SimulateRejection,
  type SimulateResult,
} from './simulate';
export { namespaceSettingsProblems, parseEventLine } from './simulate-input';
