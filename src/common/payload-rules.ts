import { unprocessable } from '../common/app-error';

/**
 * Keys that would pollute prototypes anywhere in the body, and keys that would break the Mongo read models and
 * leaf paths ("a.b") inside attributes/data. Checked on the parsed JSON before anything copies it.
 */
export const MAX_NESTING_DEPTH = 32;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface PayloadCheck {
  /** Also reject keys starting with '$', containing '.' or NUL, or empty (attributes and data). */
  strictKeys: boolean;
}

export function checkPayload(value: unknown, path: string, check: PayloadCheck, depth = 0): void {
  if (value === null || typeof value !== 'object') return;
  if (depth >= MAX_NESTING_DEPTH) {
    throw unprocessable('NESTING_TOO_DEEP', `Values nest at most ${MAX_NESTING_DEPTH} levels deep`, [{ path, message: 'too deep' }]);
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkPayload(v, `${path}[${i}]`, check, depth + 1));
    return;
  }
  for (const key of Object.keys(value)) {
    const keyPath = path ? `${path}.${key}` : key;
    checkKey(key, keyPath, check);
    checkPayload((value as Record<string, unknown>)[key], keyPath, check, depth + 1);
  }
}

function checkKey(key: string, path: string, check: PayloadCheck): void {
  if (PROTOTYPE_KEYS.has(key)) {
    throw unprocessable('FORBIDDEN_KEY', `The key "${key}" is not allowed`, [{ path, code: 'FORBIDDEN_KEY', message: 'prototype key' }]);
  }
  if (check.strictKeys && (key === '' || key.startsWith('$') || key.includes('.') || key.includes('\0'))) {
    throw unprocessable('INVALID_ATTRIBUTE_KEY', 'Attribute keys must be non-empty and hold no leading "$", no "." and no NUL', [
      { path, code: 'INVALID_ATTRIBUTE_KEY', message: 'invalid key' },
    ]);
  }
}
