import { isDeepStrictEqual } from 'node:util';
import type { DumpedProfile } from './rebuild-dump';

/**
 * Every difference between two dumps, one line each, naming the profile (its graph id) and the path inside it.
 * Pure: the caller prints.
 */
export function diffDumps(live: DumpedProfile[], rebuilt: DumpedProfile[]): string[] {
  const out: string[] = [];
  const rebuiltById = new Map(rebuilt.map((p) => [p.graphId, p]));
  const liveIds = new Set(live.map((p) => p.graphId));
  for (const profile of live) {
    const other = rebuiltById.get(profile.graphId);
    if (!other) out.push(`profile ${profile.graphId}: only in the live models`);
    else diffValues(profile, other, `profile ${profile.graphId}: `, out);
  }
  for (const profile of rebuilt) if (!liveIds.has(profile.graphId)) out.push(`profile ${profile.graphId}: only in the rebuild`);
  return out;
}

function diffValues(live: unknown, rebuilt: unknown, path: string, out: string[]): void {
  if (isDeepStrictEqual(live, rebuilt)) return;
  if (isPlainObject(live) && isPlainObject(rebuilt)) {
    const keys = [...new Set([...Object.keys(live), ...Object.keys(rebuilt)])].sort();
    for (const key of keys) diffValues(live[key], rebuilt[key], `${path}${path.endsWith(' ') ? '' : '.'}${key}`, out);
    return;
  }
  if (Array.isArray(live) && Array.isArray(rebuilt) && live.length === rebuilt.length) {
    live.forEach((value, i) => diffValues(value, rebuilt[i], `${path}[${i}]`, out));
    return;
  }
  out.push(`${path}: live ${show(live)}, rebuilt ${show(rebuilt)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
