/**
 * The vocabulary every projection and the service share. Lives in projections/ because the pure core must not
 * import from src/; src/ imports it from here.
 */
export type NamespaceType = 'person' | 'email' | 'phone' | 'device' | 'cookie' | 'partner' | 'nonPerson';

export const NAMESPACE_TYPES: readonly NamespaceType[] = [
  'person',
  'email',
  'phone',
  'device',
  'cookie',
  'partner',
  'nonPerson',
];

/** Only these types may be unique (API.md). */
export const UNIQUE_CAPABLE_TYPES: readonly NamespaceType[] = ['person', 'email', 'phone'];

export interface IdentityRef {
  namespace: string;
  id: string;
}

export interface NamespaceSetting {
  code: string;
  type: NamespaceType;
  unique: boolean;
}

/** Identity settings: namespaces in priority order (index 0 = rank 1 = highest), and the graph size cap. */
export interface IdentitySettings {
  namespaces: NamespaceSetting[];
  graphCap: number;
}

export const DEFAULT_GRAPH_CAP = 50;

export const DEFAULT_NAMESPACES: readonly NamespaceSetting[] = [
  { code: 'CRMID', type: 'person', unique: true },
  { code: 'loginID', type: 'person', unique: false },
  { code: 'Email', type: 'email', unique: false },
  { code: 'Phone', type: 'phone', unique: false },
  { code: 'IDFA', type: 'device', unique: false },
  { code: 'GAID', type: 'device', unique: false },
  { code: 'ECID', type: 'cookie', unique: false },
];

export const DEFAULT_SETTINGS: IdentitySettings = {
  namespaces: DEFAULT_NAMESPACES.map((n) => ({ ...n })),
  graphCap: DEFAULT_GRAPH_CAP,
};

/**
 * An identity's key: namespace codes cannot hold ':' (they are validated against NAMESPACE_CODE), so splitting at
 * the first ':' is unambiguous whatever the value holds.
 */
export type IdentityKey = string;

export const NAMESPACE_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export function identityKey(identity: IdentityRef): IdentityKey {
  return `${identity.namespace}:${identity.id}`;
}

export function parseIdentityKey(key: IdentityKey): IdentityRef {
  const colon = key.indexOf(':');
  return { namespace: key.slice(0, colon), id: key.slice(colon + 1) };
}
