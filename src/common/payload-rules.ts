import type { AppError } from '../common/app-error';
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

export function checkPayload(value: unknown, path: string, check: PayloadCheck): void {
  const walk = new PayloadWalk(path, check.strictKeys, true);
  walk.visit(value, 0);
}

/**
 * One walk of an item for both checks its rules make: prototype keys and depth anywhere (thrown at once, as
 * `checkPayload(raw, '', { strictKeys: false })`), and the strict keys inside its payload field (`attributes`,
 * `data`), returned rather than thrown: the item's rules report them only after its shape is validated, as
 * `checkPayload(raw[payloadKey], payloadKey, { strictKeys: true })` did. The first violation returned is the one that
 * walk would have thrown (same order, same path). An ingested item was walked three times before, building a path
 * string for every key it met whether or not anything was wrong.
 */
export function checkItemPayload(raw: Record<string, unknown>, payloadKey: string | undefined): AppError | undefined {
  const walk = new PayloadWalk('', false, false);
  for (const key of Object.keys(raw)) {
    walk.enter(key);
    walk.checkKey(key);
    walk.strict = key === payloadKey;
    walk.visit(raw[key], 1);
    walk.strict = false;
    walk.leave();
  }
  return walk.invalidKey;
}

/** Paths are kept as segments and only joined into a string for an error. */
class PayloadWalk {
  /** The first strict-key violation, when they are not thrown (a later prototype key or nest must still throw). */
  invalidKey?: AppError;
  private readonly segments: (string | number)[] = [];

  constructor(
    private readonly root: string,
    /** Keys met from here on are strict-key checked. */
    public strict: boolean,
    /** Throw a strict-key violation at once (checkPayload), or keep the first one (checkItemPayload). */
    private readonly throwInvalidKey: boolean,
  ) {}

  visit(value: unknown, depth: number): void {
    if (value === null || typeof value !== 'object') return;
    if (depth >= MAX_NESTING_DEPTH) {
      throw unprocessable('NESTING_TOO_DEEP', `Values nest at most ${MAX_NESTING_DEPTH} levels deep`, [{ path: this.path(), message: 'too deep' }]);
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        this.enter(i);
        this.visit(value[i], depth + 1);
        this.leave();
      }
      return;
    }
    for (const key of Object.keys(value)) {
      this.enter(key);
      this.checkKey(key);
      if (this.strict && this.invalidKey === undefined) this.checkStrict(key);
      this.visit((value as Record<string, unknown>)[key], depth + 1);
      this.leave();
    }
  }

  checkKey(key: string): void {
    if (PROTOTYPE_KEYS.has(key)) {
      const path = this.path();
      throw unprocessable('FORBIDDEN_KEY', `The key "${key}" is not allowed`, [{ path, code: 'FORBIDDEN_KEY', message: 'prototype key' }]);
    }
  }

  enter(segment: string | number): void {
    this.segments.push(segment);
  }

  leave(): void {
    this.segments.pop();
  }

  private checkStrict(key: string): void {
    if (key === '' || key.charCodeAt(0) === 36 /* $ */ || key.includes('.') || key.includes('\0')) {
      this.invalidKey = unprocessable('INVALID_ATTRIBUTE_KEY', 'Attribute keys must be non-empty and hold no leading "$", no "." and no NUL', [
        { path: this.path(), code: 'INVALID_ATTRIBUTE_KEY', message: 'invalid key' },
      ]);
      if (this.throwInvalidKey) throw this.invalidKey;
    }
  }

  /** As the recursive walk built it: `a.b`, `a[0]`, starting from the root path given. */
  private path(): string {
    let out = this.root;
    for (const s of this.segments) out = typeof s === 'number' ? `${out}[${s}]` : out ? `${out}.${s}` : s;
    return out;
  }
}
