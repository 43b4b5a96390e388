import { Injectable } from '@nestjs/common';

/**
 * The extension point for readiness: a slice registers a named check (the projector its lag, a read store its
 * connection) in its onModuleInit. A check resolves to details shown under its name when healthy, and throws
 * (or rejects) when the service should not receive traffic.
 */
export type ReadinessCheck = () => Promise<Record<string, unknown>>;

@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    if (this.checks.has(name)) throw new Error(`Readiness check ${name} is registered twice`);
    this.checks.set(name, check);
  }

  entries(): Array<[string, ReadinessCheck]> {
    return [...this.checks];
  }
}
