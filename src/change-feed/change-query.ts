import { isChangeId, isChangeType, type ChangeType } from '../../projections/change-feed';
import { badRequest } from '../common';

export const DEFAULT_CHANGE_PAGE = 100;
export const MAX_CHANGE_PAGE = 1000;

/** `from` (or Last-Event-ID): exclusive; "" or absent: undefined. Anything but a feed id is a 400. */
export function parseChangeCursor(raw: unknown, name = 'from'): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !isChangeId(raw)) throw badRequest('CHANGE_CURSOR_INVALID', `${name} is not a change id from this feed`);
  return raw;
}

export function parseChangeLimit(raw: unknown): number {
  if (raw === undefined) return DEFAULT_CHANGE_PAGE;
  const n = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_CHANGE_PAGE)) throw badRequest('LIMIT_INVALID', `limit must be an integer from 1 to ${MAX_CHANGE_PAGE}`);
  return n;
}

/** `types=a,b`: each a known change type; absent or empty: every type. */
export function parseChangeTypes(raw: unknown): ChangeType[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > 1000) throw badRequest('CHANGE_TYPE_UNKNOWN', 'types must be a comma-separated list of change types');
  const types = [...new Set(raw.split(',').map((t) => t.trim()).filter((t) => t !== ''))];
  const unknown = types.filter((t) => !isChangeType(t));
  if (unknown.length > 0) {
    throw badRequest('CHANGE_TYPE_UNKNOWN', `Unknown change type(s): ${unknown.slice(0, 5).join(', ')}`, unknown.slice(0, 20).map((t) => ({ path: 'types', message: `unknown type ${t}` })));
  }
  return types.length === 0 ? undefined : (types as ChangeType[]);
}
