import { Inject, Injectable } from '@nestjs/common';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port';

/**
 * An audience's `status` and `size`, as the projector keeps them: `ready` once the backfill of this version (or a
 * newer one) is done; `backfilling` while it runs or before the projector has met the definition at all.
 */
@Injectable()
export class AudienceStatus {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  async statusOf(id: string, version: number): Promise<'backfilling' | 'ready'> {
    const backfill = (await this.store.getAudienceBackfills()).find((b) => b.audienceId === id);
    return backfill && backfill.version >= version && backfill.status === 'ready' ? 'ready' : 'backfilling';
  }

  async progressOf(id: string): Promise<{ done: number; total: number } | undefined> {
    const backfill = (await this.store.getAudienceBackfills()).find((b) => b.audienceId === id);
    return backfill ? { done: backfill.done, total: backfill.total } : undefined;
  }

  async sizeOf(id: string): Promise<number> {
    return (await this.store.countMembers([id])).get(id) ?? 0;
  }
}
