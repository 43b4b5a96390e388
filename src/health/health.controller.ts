import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, AppError } from '../common';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { ReadinessRegistry } from './readiness.registry';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('operations')
@Controller('v1/health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly registry: ReadinessRegistry,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness and readiness: the event store answers, plus every registered readiness check' })
  @ApiOkResponse({ description: '{"status":"ok","info":{"eventStore":{"status":"up","head":"42"}, ...}}' })
  @ApiErrors('NOT_READY')
  async check(): Promise<HealthCheckResult> {
    const checks = [['eventStore', async () => ({ head: (await this.store.headPosition()) ?? null })] as const, ...this.registry.entries()];
    try {
      return await this.health.check(checks.map(([name, check]) => () => this.run(name, check)));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const details = Object.entries(result.error ?? {}).map(([name, info]) => ({ path: name, message: String(info?.message ?? 'down') }));
      throw new AppError('NOT_READY', 503, 'The service is not ready', details);
    }
  }

  private async run(name: string, check: () => Promise<Record<string, unknown>>) {
    const indicator = this.indicators.check(name);
    try {
      return indicator.up(await withTimeout(check(), CHECK_TIMEOUT_MS));
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
