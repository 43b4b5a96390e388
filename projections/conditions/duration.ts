/**
 * Durations of API.md "Conditions": an integer and a unit (`90s`, `15m`, `3h`, `30d`), at least one second and at
 * most 3650 days. Parsed once on write; the engine works in milliseconds.
 */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;
const DURATION = /^([1-9][0-9]{0,9})([smhd])$/;

/** Milliseconds, or undefined when `text` is not a valid duration. */
export function parseDuration(text: unknown): number | undefined {
  return typeof text === 'string' && durationProblem(text) === undefined ? toMs(text) : undefined;
}

/** Why `text` is not a duration, as a sentence for the 422 body; undefined when it is one. */
export function durationProblem(text: unknown): string | undefined {
  if (typeof text !== 'string') return 'a duration is a string such as "30d"';
  if (!DURATION.test(text)) {
    return `"${text.slice(0, 40)}" is not a duration: an integer and a unit s, m, h or d, such as "90s", "15m", "3h", "30d"`;
  }
  if (toMs(text) > MAX_DURATION_MS) return `"${text}" is longer than the maximum of 3650d`;
  return undefined;
}

function toMs(text: string): number {
  const [, amount, unit] = DURATION.exec(text)!;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}
