import { Metadata, status, type ServerDuplexStream, type ServerUnaryCall, type ServerWritableStream } from '@grpc/grpc-js';

export interface StandInOptions {
  /** The server's clock minus the client's: a positive skew means the client's clock is behind. */
  clockSkewMs?: number;
  /** ClusterVNodeOptions.Database.WriteTimeoutMs, default 2000: the longest a write may take, whatever the client asks. */
  writeTimeoutMs?: number;
  /** ClusterVNodeOptions.Application.MaxAppendSize, default 1 MiB (1,048,576 bytes of Event.SizeOnDisk). */
  maxAppendSize?: number;
  /** Idempotency window in committed event ids (see idempotency-window.ts). */
  idempotencyWindow?: number;
  /** Serve as a follower of this leader: same log; calls that require the leader are refused with its address. */
  followerOf?: { host: string; port: number };
}

export const DEFAULT_WRITE_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;

type AnyCall = ServerDuplexStream<unknown, unknown> | ServerWritableStream<unknown, unknown> | ServerUnaryCall<unknown, unknown>;

/** The server's settings and state that shape its answers, shared by the handlers. */
export class ServerBehaviour {
  readonly writeTimeoutMs: number;
  readonly maxAppendSize: number;
  private stalled = false;
  private leader: { host: string; port: number } | undefined;

  constructor(private readonly options: StandInOptions) {
    this.writeTimeoutMs = options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS;
    this.maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE;
    this.leader = options.followerOf;
  }

  /** The server's clock. */
  now(): number {
    return Date.now() + (this.options.clockSkewMs ?? 0);
  }

  /** Writes reach the log but never commit (a lost quorum): each append is answered Timeout after its timeout. */
  stallWrites(stalled: boolean): void {
    this.stalled = stalled;
  }

  writesStalled(): boolean {
    return this.stalled;
  }

  /** Become a follower of `leader` (a leader change), or the leader again (undefined). */
  follow(leader: { host: string; port: number } | undefined): void {
    this.leader = leader;
  }

  /**
   * A follower asked for the leader (`requires-leader: true`) refuses the call as RpcExceptions.LeaderInfo does:
   * NOT_FOUND with `exception: not-leader` and the leader's endpoint in the trailers, so the client reconnects
   * there (src/EventStore.Core/Services/Transport/Grpc/RpcExceptions.cs). Without the header a follower forwards
   * writes to the leader, which the shared log stands for.
   */
  notLeaderError(call: AnyCall): { code: number; details: string; metadata: Metadata } | undefined {
    if (!this.leader || call.metadata.get('requires-leader')[0] !== 'true') return undefined;
    const metadata = new Metadata();
    metadata.set('exception', 'not-leader');
    metadata.set('leader-endpoint-host', this.leader.host);
    metadata.set('leader-endpoint-port', String(this.leader.port));
    return { code: status.NOT_FOUND, details: 'Leader info available', metadata };
  }

  /** For streaming calls: ends the call with the not-leader error; true when it did. */
  refuseAsFollower(call: ServerDuplexStream<unknown, unknown> | ServerWritableStream<unknown, unknown>): boolean {
    const error = this.notLeaderError(call);
    if (error) call.emit('error', error);
    return error !== undefined;
  }
}
