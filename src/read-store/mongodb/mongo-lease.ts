import { MongoServerError, type Filter } from 'mongodb';
import { acquire, assertHolds, released, renewed, type LeaseGrant, type LeaseRequest, type LeaseState } from '../projector-lease';
import type { CheckpointDoc, LeaseDoc, ReadModelCollections } from './mongo-collections';

const DUPLICATE_KEY = 11000;

/**
 * The distributed projector lease: a `lease` field in the projector's checkpoint document, with an expiry the
 * holder renews. Every change is a compare-and-set on the lease as it was read (token and expiry), so of two
 * standbys racing for an expired lease exactly one wins. The checkpoint itself is written under a filter on the
 * holder's token (see checkpointFence), so a paused holder that wakes after a standby took over cannot move it;
 * the documents it may still write before that are position-guarded: the state a crash in the middle of a commit
 * leaves, which the new holder meets as a restarted projector would.
 */
export class MongoLease {
  private grant?: LeaseGrant;

  constructor(private readonly c: ReadModelCollections) {}

  async acquire(request: LeaseRequest): Promise<LeaseGrant | undefined> {
    const doc = await this.c.checkpoints.findOne({ _id: request.projector });
    const next = acquire(toState(doc?.lease), request);
    if (!next) return undefined;
    const lease = toDoc(next);
    try {
      if (!doc) await this.c.checkpoints.insertOne({ _id: request.projector, lease });
      else if ((await this.c.checkpoints.updateOne(asRead(doc), { $set: { lease } })).matchedCount === 0) return undefined;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return undefined;
      throw error;
    }
    this.grant = { projector: request.projector, holder: request.holder, token: next.token };
    return this.grant;
  }

  async renew(now: number, ttlMs: number): Promise<boolean> {
    const grant = this.grant;
    if (!grant) return false;
    const doc = await this.c.checkpoints.findOne({ _id: grant.projector });
    const next = renewed(toState(doc?.lease), grant, now, ttlMs);
    if (!next) return false;
    const result = await this.c.checkpoints.updateOne({ _id: grant.projector, ...tokenOf(grant) }, { $set: { 'lease.expiresAt': next.expiresAt! } });
    return result.matchedCount === 1;
  }

  async release(): Promise<void> {
    const grant = this.grant;
    if (!grant) return;
    const doc = await this.c.checkpoints.findOne({ _id: grant.projector });
    const next = released(toState(doc?.lease), grant);
    if (next) await this.c.checkpoints.updateOne({ _id: grant.projector, ...tokenOf(grant) }, { $set: { lease: toDoc(next) } });
  }

  async read(projector: string): Promise<LeaseState | undefined> {
    return toState((await this.c.checkpoints.findOne({ _id: projector }))?.lease);
  }

  /** Refuses a write unless this store's grant is current (reading the lease unless the caller just did). */
  async assertFence(read?: CheckpointDoc | null): Promise<void> {
    if (!this.grant) return;
    const doc = read !== undefined && read?._id === this.grant.projector ? read : await this.c.checkpoints.findOne({ _id: this.grant.projector });
    assertHolds(toState(doc?.lease), this.grant);
  }

  /** The extra filter a checkpoint write carries: it matches only while this store's grant is current. */
  checkpointFence(): Filter<CheckpointDoc> {
    return this.grant ? tokenOf(this.grant) : {};
  }

  /** True when this store writes under a lease (its checkpoint document then exists: the lease made it). */
  get leased(): boolean {
    return this.grant !== undefined;
  }
}

function tokenOf(grant: LeaseGrant): Filter<CheckpointDoc> {
  return { 'lease.token': grant.token, 'lease.holder': grant.holder };
}

/** Matches the document only while its lease is as it was read. */
function asRead(doc: CheckpointDoc): Filter<CheckpointDoc> {
  if (!doc.lease) return { _id: doc._id, lease: { $exists: false } };
  return { _id: doc._id, 'lease.token': doc.lease.token, 'lease.holder': doc.lease.holder, 'lease.expiresAt': doc.lease.expiresAt };
}

function toState(lease: LeaseDoc | undefined): LeaseState | undefined {
  if (!lease) return undefined;
  return {
    token: lease.token,
    ...(lease.holder === null ? {} : { holder: lease.holder }),
    ...(lease.expiresAt === null ? {} : { expiresAt: lease.expiresAt }),
  };
}

function toDoc(state: LeaseState): LeaseDoc {
  return { holder: state.holder ?? null, token: state.token, expiresAt: state.expiresAt ?? null };
}
