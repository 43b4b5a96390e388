import { Inject, Injectable } from '@nestjs/common';
import { badRequest, notFound, unavailable } from '../common';
import { isPosition, type Position } from '../event-store';
import { IdentitySettingsService } from '../identity';
import { ReadModelWatermark } from '../projector';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port';
import { identityKey, type IdentityNode, type IdentityRef } from '../../projections/model';
import { normaliseIdentityValue } from '../../projections/identity-graph';

export const MIN_POSITION_WAIT_MS = 5_000;

/**
 * What every profile read starts with: normalise the identity from the path exactly as ingestion did, wait for
 * `minPosition` when asked (read-your-writes), and find the identity's node and graph.
 */
@Injectable()
export class SubjectLookup {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly settings: IdentitySettingsService,
    private readonly watermark: ReadModelWatermark,
  ) {}

  normalise(namespace: string, rawId: string): IdentityRef {
    if (rawId.length === 0 || rawId.length > 4096) throw badRequest('IDENTITY_INVALID', 'The identity value is empty or too long');
    const setting = this.settings.current().settings.namespaces.find((n) => n.code === namespace);
    // A namespace no longer registered may still name stored identities: trim only, as the weakest rule.
    return { namespace, id: setting ? normaliseIdentityValue(setting.type, rawId) : rawId.trim() };
  }

  async awaitPosition(minPosition: string | undefined): Promise<Position | undefined> {
    if (minPosition === undefined) return this.watermark.current();
    if (!isPosition(minPosition)) throw badRequest('POSITION_INVALID', 'minPosition is not a position this service returned');
    if (!(await this.watermark.whenProcessed(minPosition, MIN_POSITION_WAIT_MS))) {
      throw unavailable('READ_MODEL_STALE', `The read models did not reach position ${minPosition} within 5 s`);
    }
    return this.watermark.current();
  }

  /** The identity's node, or 404 when nothing is known of it. */
  async node(identity: IdentityRef): Promise<IdentityNode> {
    const node = await this.store.getNode(identityKey(identity));
    if (!node) throw notFound('PROFILE_NOT_FOUND', 'Nothing is known of this identity');
    return node;
  }
}
