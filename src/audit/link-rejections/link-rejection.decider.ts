import { conflict, notFound } from '../../common';
import type { DomainEvent } from '../../events';
import type { Position } from '../../event-store';
import { identityKey, linkKey, type IdentityRef } from '../../../projections/model';

/**
 * Operators' link rejections as a decider over one stream (LINK_REJECTIONS_STREAM): a rejection names a pair of
 * identities that must never be linked; withdrawing it lets the pair link again. Pure: ids and times come in with
 * the command or the recorded event.
 */
export interface LinkRejection {
  id: string;
  from: IdentityRef;
  to: IdentityRef;
  /** linkKey of the two identities: order-insensitive. */
  pair: string;
  reason: string;
  /** Log time of the rejection, epoch ms. */
  createdAt: number;
  position: Position;
  withdrawnAt?: number;
  withdrawnPosition?: Position;
}

export interface LinkRejectionState {
  rejections: Map<string, LinkRejection>;
}

export type LinkRejectionEvent = DomainEvent<'LinkRejected'> | DomainEvent<'LinkRejectionWithdrawn'>;

/** Where and when the log recorded an event: the part of a recorded event the state keeps. */
export interface RecordedAt {
  position: Position;
  recordedAt: number;
}

export type LinkRejectionCommand =
  | { type: 'RejectLink'; rejectionId: string; from: IdentityRef; to: IdentityRef; reason: string }
  | { type: 'WithdrawLinkRejection'; rejectionId: string };

export function initialLinkRejectionState(): LinkRejectionState {
  return { rejections: new Map() };
}

export function pairOf(from: IdentityRef, to: IdentityRef): string {
  return linkKey(identityKey(from), identityKey(to));
}

export function evolveLinkRejections(state: LinkRejectionState, event: LinkRejectionEvent, at: RecordedAt): LinkRejectionState {
  const rejections = new Map(state.rejections);
  if (event.type === 'LinkRejected') {
    const { rejectionId, from, to, reason } = event.data;
    rejections.set(rejectionId, { id: rejectionId, from, to, pair: pairOf(from, to), reason, createdAt: at.recordedAt, position: at.position });
  } else {
    const current = rejections.get(event.data.rejectionId);
    if (current) rejections.set(current.id, { ...current, withdrawnAt: at.recordedAt, withdrawnPosition: at.position });
  }
  return { rejections };
}

export function decideLinkRejection(command: LinkRejectionCommand, state: LinkRejectionState): LinkRejectionEvent[] {
  if (command.type === 'WithdrawLinkRejection') return decideWithdraw(command.rejectionId, state);
  const pair = pairOf(command.from, command.to);
  const active = [...state.rejections.values()].find((r) => r.pair === pair && r.withdrawnAt === undefined);
  if (active) {
    throw conflict('LINK_ALREADY_REJECTED', 'This pair of identities is already rejected', [
      { code: 'LINK_ALREADY_REJECTED', message: 'Withdraw the active rejection first', rejectionId: active.id },
    ]);
  }
  if (state.rejections.has(command.rejectionId)) {
    throw conflict('LINK_REJECTION_ID_TAKEN', `Rejection id ${command.rejectionId} is taken`);
  }
  const { rejectionId, from, to, reason } = command;
  return [{ type: 'LinkRejected', data: { rejectionId, from, to, reason } }];
}

function decideWithdraw(rejectionId: string, state: LinkRejectionState): LinkRejectionEvent[] {
  const current = state.rejections.get(rejectionId);
  if (!current) throw notFound('LINK_REJECTION_NOT_FOUND', `No link rejection ${rejectionId}`);
  if (current.withdrawnAt !== undefined) {
    throw conflict('LINK_REJECTION_ALREADY_WITHDRAWN', `Link rejection ${rejectionId} is already withdrawn`);
  }
  return [{ type: 'LinkRejectionWithdrawn', data: { rejectionId } }];
}
