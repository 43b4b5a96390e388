import { NAMESPACE_CODE, NAMESPACE_TYPES, UNIQUE_CAPABLE_TYPES, type IdentityRef, type NamespaceSetting } from '../model';

/**
 * One simulator text line: `Namespace: value, Namespace: value`, both sides trimmed. Values cannot hold commas in
 * this form; the object form takes any value.
 */
export function parseEventLine(line: string): { identities: IdentityRef[]; timestamp?: undefined } | string {
  if (line.trim() === '') return 'empty event line';
  const identities: IdentityRef[] = [];
  for (const part of line.split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0) return `"${part.trim()}" is not "Namespace: value"`;
    identities.push({ namespace: part.slice(0, colon).trim(), id: part.slice(colon + 1).trim() });
  }
  return { identities };
}

/** What is wrong with a namespace list (API.md "Identity settings"); empty when it is valid. */
export function namespaceSettingsProblems(namespaces: unknown): string[] {
  if (!Array.isArray(namespaces) || namespaces.length === 0) return ['namespaces must be a non-empty array'];
  const problems: string[] = [];
  const codes = new Set<string>();
  namespaces.forEach((entry: Partial<NamespaceSetting> | null, index) => {
    const code = entry?.code;
    if (typeof code !== 'string' || !NAMESPACE_CODE.test(code)) problems.push(`namespaces[${index}].code is invalid`);
    else if (codes.has(code)) problems.push(`namespace ${code} is listed twice`);
    else codes.add(code);
    if (!NAMESPACE_TYPES.includes(entry?.type as NamespaceSetting['type'])) {
      problems.push(`namespaces[${index}].type must be one of ${NAMESPACE_TYPES.join(', ')}`);
    }
    if (typeof entry?.unique !== 'boolean') problems.push(`namespaces[${index}].unique must be true or false`);
    else if (entry.unique && !UNIQUE_CAPABLE_TYPES.includes(entry.type as NamespaceSetting['type'])) {
      problems.push(`namespace ${String(code)}: only person, email and phone namespaces may be unique`);
    }
  });
  return problems;
}
