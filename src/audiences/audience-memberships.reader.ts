import { Inject, Injectable } from '@nestjs/common';
import type { TransitionCause } from '../../projections/audiences';
import type { IdentityKey, IdentityRef } from '../../projections/model';
import { READ_STORE, type MembershipRow, type ReadStore } from '../read-store/read-store.port';

/** A membership as the profile body shows it (API.md "Audiences"). */
export interface ProfileMembership {
  id: string;
  enteredAt: string;
}

export interface AudienceMember {
  profileId: string;
  primaryIdentity: IdentityRef | null;
  enteredAt: string;
}

/** Memberships as the projector stored them: a profile's audiences now or at a log time, an audience's members. */
@Injectable()
export class AudienceMembershipsReader {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  async current(graphId: IdentityKey): Promise<ProfileMembership[]> {
    return bodyOf(await this.store.getMemberships([graphId]));
  }

  /** `current` from open memberships read elsewhere (ReadStore.getProfileView). */
  ofRows(rows: readonly MembershipRow[]): ProfileMembership[] {
    return bodyOf(rows);
  }

  /** At log time `asOf`, for the graph then made of `memberKeys` (its id then was one of them). */
  async asOf(memberKeys: readonly IdentityKey[], asOf: number): Promise<ProfileMembership[]> {
    const rows = (await Promise.all(memberKeys.map((key) => this.store.getMembershipsAsOf(key, asOf)))).flat();
    return bodyOf(rows);
  }

  /**
   * The transitions of these graphs' memberships by the log event that caused them (entries and exits), for the
   * profile's history. Lapses have no log event: the history derives them from the log (HistoryLapsesReader).
   */
  async transitionsByEvent(graphIds: readonly IdentityKey[]): Promise<Map<string, HistoryTransition[]>> {
    const byEvent = new Map<string, HistoryTransition[]>();
    const add = (eventId: string | undefined, t: HistoryTransition) => {
      if (eventId === undefined) return;
      const list = byEvent.get(eventId);
      if (list) list.push(t);
      else byEvent.set(eventId, [t]);
    };
    for (const row of await this.store.getMembershipIntervals([...new Set(graphIds)])) {
      const doc = row.doc as { cause?: TransitionCause; exitCause?: TransitionCause };
      if (doc.cause) add(doc.cause.eventId, { id: row.audienceId, kind: 'entered', at: new Date(row.enteredAt).toISOString(), cause: doc.cause.kind });
      if (doc.exitCause && row.exitedAt !== undefined) {
        add(doc.exitCause.eventId, { id: row.audienceId, kind: 'exited', at: new Date(row.exitedAt).toISOString(), cause: doc.exitCause.kind });
      }
    }
    return byEvent;
  }

  /**
   * The entries and exits a definition change caused (a backfill of a new or changed audience, the exits of a deleted
   * one), grouped by that change's log event: they belong to no step of the subject's own log, so the history shows
   * each change as an entry of its own, at the change's position and log time.
   */
  async definitionChanges(graphIds: readonly IdentityKey[]): Promise<DefinitionChange[]> {
    const byEvent = new Map<string, DefinitionChange>();
    const add = (cause: TransitionCause | undefined, t: HistoryTransition) => {
      if (cause?.kind !== 'definition' || cause.eventId === undefined || cause.position === undefined) return;
      const change = byEvent.get(cause.eventId) ?? { eventId: cause.eventId, position: cause.position, at: t.at, audiences: [] };
      change.audiences.push(t);
      byEvent.set(cause.eventId, change);
    };
    for (const row of await this.store.getMembershipIntervals([...new Set(graphIds)])) {
      const doc = row.doc as { cause?: TransitionCause; exitCause?: TransitionCause };
      add(doc.cause, { id: row.audienceId, kind: 'entered', at: new Date(row.enteredAt).toISOString(), cause: 'definition' });
      if (row.exitedAt !== undefined) add(doc.exitCause, { id: row.audienceId, kind: 'exited', at: new Date(row.exitedAt).toISOString(), cause: 'definition' });
    }
    return [...byEvent.values()];
  }

  async members(audienceId: string, limit: number, cursor?: string, asOf?: number): Promise<{ items: AudienceMember[]; nextCursor?: string }> {
    const page = await this.store.listMembers({ audienceId, limit, cursor, ...(asOf === undefined ? {} : { asOf }) });
    const items = page.items.map((row) => {
      const doc = row.doc as { profileId?: string; primaryIdentity?: IdentityRef | null };
      return { profileId: String(doc.profileId), primaryIdentity: doc.primaryIdentity ?? null, enteredAt: new Date(row.enteredAt).toISOString() };
    });
    return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }
}

/** The memberships one audience definition change moved (history entries of kind `audienceDefinition`). */
export interface DefinitionChange {
  eventId: string;
  position: string;
  at: string;
  audiences: HistoryTransition[];
}

/** An audience entry or exit as a history step shows it (`changes.audiences`). */
export interface HistoryTransition {
  id: string;
  kind: 'entered' | 'exited';
  at: string;
  cause: TransitionCause['kind'];
}

function bodyOf(rows: readonly MembershipRow[]): ProfileMembership[] {
  const byId = new Map<string, number>();
  for (const r of rows) byId.set(r.audienceId, Math.min(byId.get(r.audienceId) ?? Infinity, r.enteredAt));
  return [...byId].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, at]) => ({ id, enteredAt: new Date(at).toISOString() }));
}
