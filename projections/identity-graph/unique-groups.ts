import type { IdentityKey } from '../model';
import type { GraphState } from './graph-state';
import type { SettingsView } from './settings-view';

/**
 * Union-find over identities that refuses a union whose result would hold two values of a unique namespace: the
 * engine of the step-4 rebuild. Each root keeps the values of unique namespaces its group holds.
 */
export class UniqueGroups {
  private readonly parent = new Map<IdentityKey, IdentityKey>();
  private readonly uniques = new Map<IdentityKey, Map<string, string>>();

  constructor(state: GraphState, view: SettingsView, keys: Iterable<IdentityKey>) {
    for (const key of keys) {
      this.parent.set(key, key);
      const node = state.nodes.get(key);
      if (node && view.isUnique(node.namespace)) this.uniques.set(key, new Map([[node.namespace, node.id]]));
    }
  }

  find(key: IdentityKey): IdentityKey {
    let root = key;
    for (let up = this.parent.get(root)!; up !== root; up = this.parent.get(root)!) root = up;
    for (let at = key; at !== root; ) {
      const next = this.parent.get(at)!;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }

  /** Joins the groups of x and y unless that would break a unique namespace; true when they are one group now. */
  tryUnion(x: IdentityKey, y: IdentityKey): boolean {
    const rx = this.find(x);
    const ry = this.find(y);
    if (rx === ry) return true;
    const ux = this.uniques.get(rx);
    const uy = this.uniques.get(ry);
    if (ux && uy && conflicts(ux, uy)) return false;
    this.parent.set(ry, rx);
    if (uy) {
      const merged = ux ?? new Map<string, string>();
      for (const [namespace, id] of uy) merged.set(namespace, id);
      this.uniques.set(rx, merged);
      this.uniques.delete(ry);
    }
    return true;
  }

  /** The groups, each as its member keys. */
  groups(): IdentityKey[][] {
    const byRoot = new Map<IdentityKey, IdentityKey[]>();
    for (const key of this.parent.keys()) {
      const root = this.find(key);
      const group = byRoot.get(root);
      if (group) group.push(key);
      else byRoot.set(root, [key]);
    }
    return [...byRoot.values()];
  }
}

function conflicts(x: Map<string, string>, y: Map<string, string>): boolean {
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  for (const [namespace, id] of small) {
    const other = large.get(namespace);
    if (other !== undefined && other !== id) return true;
  }
  return false;
}

/** The first unique namespace holding two values among these identities, if any. */
export function uniqueConflict(
  view: SettingsView,
  identities: Iterable<{ namespace: string; id: string }>,
): string | undefined {
  const seen = new Map<string, string>();
  for (const { namespace, id } of identities) {
    if (!view.isUnique(namespace)) continue;
    const other = seen.get(namespace);
    if (other !== undefined && other !== id) return namespace;
    seen.set(namespace, id);
  }
  return undefined;
}
