import type { IdentitySettings, NamespaceType } from '../model';

/** The identity settings as the fold asks them: a rank, a type and a unique flag per namespace code. */
export interface SettingsView {
  readonly cap: number;
  rank(namespace: string): number;
  type(namespace: string): NamespaceType;
  isUnique(namespace: string): boolean;
}

interface NamespaceFacts {
  rank: number;
  type: NamespaceType;
  unique: boolean;
}

/** Settings objects are values: compile each one once, not once per item. */
const views = new WeakMap<IdentitySettings, SettingsView>();

export function settingsView(settings: IdentitySettings): SettingsView {
  const cached = views.get(settings);
  if (cached) return cached;
  const facts = new Map<string, NamespaceFacts>();
  settings.namespaces.forEach((n, index) => facts.set(n.code, { rank: index + 1, type: n.type, unique: n.unique }));
  // A namespace dropped from the settings after it was used ranks below every listed one and constrains nothing.
  const unlisted: NamespaceFacts = { rank: settings.namespaces.length + 1, type: 'nonPerson', unique: false };
  const of = (namespace: string) => facts.get(namespace) ?? unlisted;
  const view: SettingsView = {
    cap: settings.graphCap,
    rank: (namespace) => of(namespace).rank,
    type: (namespace) => of(namespace).type,
    isUnique: (namespace) => of(namespace).unique,
  };
  views.set(settings, view);
  return view;
}
