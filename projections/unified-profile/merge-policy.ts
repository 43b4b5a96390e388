/**
 * Merge policy vocabulary for the pure core. src/events/catalogue.ts declares the same AttributeMerge for the
 * MergePolicySaved event; projections/ may not import from src/, so the two are kept structurally identical and
 * TypeScript's structural typing lets the catalogue's value flow in here unchanged.
 */
export type AttributeMerge = { type: 'timestampOrdered' } | { type: 'sourcePrecedence'; order: string[] };

export type IdentityStitching = 'graph' | 'none';

/** A fresh store's default policy merges by timestamp (API.md "Merge policies"). */
export const DEFAULT_ATTRIBUTE_MERGE: AttributeMerge = { type: 'timestampOrdered' };
