import type { DomainEvent, IdentitySettingsChangedV1 } from '../events';
import { ErrorDetail, unprocessable, type ErrorCodeWithStatus } from '../common';
import {
  DEFAULT_SETTINGS,
  IdentitySettings,
  NAMESPACE_CODE,
  NAMESPACE_TYPES,
  NamespaceSetting,
  NamespaceType,
  UNIQUE_CAPABLE_TYPES,
} from '../../projections/model';

/**
 * Identity settings as a decider (emmett): pure decide/evolve, tested given/when/then without a store. The
 * handler loads the 'tessera-settings' stream, folds it with evolve, decides, and appends with the exact revision.
 */
export const SETTINGS_STREAM = 'tessera-settings';
export const MAX_NAMESPACES = 200;
export const GRAPH_CAP_RANGE = { min: 2, max: 10_000 } as const;

export interface SettingsState {
  settings: IdentitySettings;
  /** 0 on a fresh store (the defaults), +1 per change. */
  version: number;
}

export interface ChangeIdentitySettings {
  namespaces: Array<{ code: string; type: string; unique?: boolean }>;
  graphCap?: number;
}

export function initialSettingsState(): SettingsState {
  return { settings: cloneSettings(DEFAULT_SETTINGS), version: 0 };
}

export function evolve(state: SettingsState, event: IdentitySettingsChangedV1): SettingsState {
  return {
    settings: cloneSettings({ namespaces: event.namespaces, graphCap: event.graphCap }),
    version: Math.max(event.version, state.version + 1),
  };
}

export function decide(command: ChangeIdentitySettings, state: SettingsState): DomainEvent<'IdentitySettingsChanged'>[] {
  const problems = validateSettings(command);
  if (problems.length > 0) {
    throw unprocessable(problems[0].code, problems[0].message, problems);
  }
  const namespaces: NamespaceSetting[] = command.namespaces.map((n) => ({
    code: n.code,
    type: n.type as NamespaceType,
    unique: n.unique === true,
  }));
  const graphCap = command.graphCap ?? state.settings.graphCap;
  return [{ type: 'IdentitySettingsChanged', data: { namespaces, graphCap, version: state.version + 1 } }];
}

/** A settings problem: its code is a catalogued 422 (error-codes.ts), so the first one can answer the request. */
export type SettingsProblem = ErrorDetail & { code: ErrorCodeWithStatus<422> };

export function validateSettings(command: ChangeIdentitySettings): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const add = (code: ErrorCodeWithStatus<422>, path: string, message: string) => problems.push({ code, path, message });
  if (command.namespaces.length === 0) add('SETTINGS_NO_NAMESPACE', 'namespaces', 'At least one namespace is required');
  if (command.namespaces.length > MAX_NAMESPACES) {
    add('SETTINGS_TOO_MANY_NAMESPACES', 'namespaces', `At most ${MAX_NAMESPACES} namespaces`);
  }
  const seen = new Set<string>();
  command.namespaces.forEach((n, i) => {
    const path = `namespaces[${i}]`;
    if (!NAMESPACE_CODE.test(n.code)) add('NAMESPACE_CODE_INVALID', `${path}.code`, `Namespace code must match ${NAMESPACE_CODE}`);
    if (seen.has(n.code)) add('NAMESPACE_CODE_DUPLICATE', `${path}.code`, `Namespace ${n.code} is listed twice`);
    seen.add(n.code);
    if (!(NAMESPACE_TYPES as string[]).includes(n.type)) {
      add('NAMESPACE_TYPE_INVALID', `${path}.type`, `Namespace type must be one of ${NAMESPACE_TYPES.join(', ')}`);
    } else if (n.unique === true && !(UNIQUE_CAPABLE_TYPES as string[]).includes(n.type)) {
      add('NAMESPACE_NOT_UNIQUE_CAPABLE', `${path}.unique`, `Only ${UNIQUE_CAPABLE_TYPES.join(', ')} namespaces may be unique`);
    }
  });
  const cap = command.graphCap;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < GRAPH_CAP_RANGE.min || cap > GRAPH_CAP_RANGE.max)) {
    add('GRAPH_CAP_INVALID', 'graphCap', `graphCap must be an integer from ${GRAPH_CAP_RANGE.min} to ${GRAPH_CAP_RANGE.max}`);
  }
  return problems;
}

function cloneSettings(settings: IdentitySettings): IdentitySettings {
  return { namespaces: settings.namespaces.map((n) => ({ ...n })), graphCap: settings.graphCap };
}
