import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import { identityKey, type IdentityRef } from '../../../projections/model';
import { TESSERA_CONFIG, type TesseraConfig } from '../../config';
import { SubjectKeys } from '../subject-keys';

/** Distributed mode: how often an instance re-reads the list other instances add to. */
const REFRESH_MS = 30_000;

/**
 * Identities erased with `suppress: true`, kept only as HMAC(salt, identity key): enough to recognise the same
 * identity when a source sends it again, useless for listing who was erased. The salt lives in the key store,
 * apart from the log and from IDENTITY_HASH_KEY, so stream names and suppression hashes cannot be correlated.
 */
@Injectable()
export class SuppressionList implements OnApplicationBootstrap, OnApplicationShutdown {
  private salt?: Buffer;
  private hashes = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly keys: SubjectKeys,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh();
    if (this.config.mode !== 'distributed') return;
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Reloads the list (another instance may have added to it). */
  async refresh(): Promise<void> {
    this.salt ??= await this.keys.store.suppressionSalt(() => randomBytes(32));
    this.hashes = new Set(await this.keys.store.listSuppressed());
  }

  async add(identities: IdentityRef[]): Promise<void> {
    await this.refresh();
    const added = identities.map((i) => this.hashOf(i));
    await this.keys.store.addSuppressed(added);
    added.forEach((h) => this.hashes.add(h));
  }

  /** Synchronous, for ingestion's pure item rules. */
  isSuppressed = (identity: IdentityRef): boolean => this.hashes.size > 0 && this.hashes.has(this.hashOf(identity));

  private hashOf(identity: IdentityRef): string {
    return createHmac('sha256', this.salt!).update(identityKey(identity)).digest('hex');
  }
}
