import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { badRequest, RequireScope } from '../../common';
import { decode, UnknownEventTypeError } from '../../events';
import { EVENT_STORE, EventStore, type RecordedEvent } from '../../event-store/event-store.port';
import { isPosition } from '../../event-store';

export const DEFAULT_LOG_PAGE = 100;
export const MAX_LOG_PAGE = 1000;

export class LogItemDto {
  @ApiProperty()
  position!: string;
  @ApiProperty({ example: 'RecordIngested' })
  type!: string;
  @ApiProperty({ description: 'Subject streams are keyed hashes, never raw identity values' })
  stream!: string;
  @ApiProperty({ description: 'Log time, ISO-8601 UTC' })
  recordedAt!: string;
  @ApiProperty({ type: Object, description: 'The payload, decoded (upcast) through the codec' })
  data!: Record<string, unknown>;
}

export class LogPageDto {
  @ApiProperty({ type: [LogItemDto] })
  items!: LogItemDto[];
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Pass as `from` for the next page; null at the end' })
  next!: string | null;
}

/** The raw log for auditors, in log order: `from` is exclusive, so `next` can be passed back as is. */
@ApiTags('audit')
@Controller('v1/log')
export class ReadLogController {
  constructor(@Inject(EVENT_STORE) private readonly log: EventStore) {}

  @Get()
  @RequireScope('admin')
  @ApiOperation({ summary: 'A page of the raw event log, strictly after `from`' })
  @ApiQuery({ name: 'from', required: false, description: 'Exclusive position; absent: from the start' })
  @ApiQuery({ name: 'limit', required: false, description: `1..${MAX_LOG_PAGE}, default ${DEFAULT_LOG_PAGE}` })
  @ApiOkResponse({ type: LogPageDto })
  async read(@Query('from') from?: unknown, @Query('limit') limit?: unknown): Promise<LogPageDto> {
    const after = parseFrom(from);
    const size = parseLimit(limit);
    const page = await this.log.readAll({ after, limit: size });
    const items = page.slice(0, size).map(toItem);
    return { items, next: items.length < size ? null : items[items.length - 1].position };
  }
}

function parseFrom(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (!isPosition(raw)) throw badRequest('POSITION_INVALID', '`from` is not a position this service returned');
  return raw;
}

function parseLimit(raw: unknown): number {
  if (raw === undefined) return DEFAULT_LOG_PAGE;
  const n = typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_LOG_PAGE)) throw badRequest('LIMIT_INVALID', `limit must be an integer from 1 to ${MAX_LOG_PAGE}`);
  return n;
}

/** An event type this version does not know is still shown, with its stored payload. */
function toItem(recorded: RecordedEvent): LogItemDto {
  let data = recorded.data;
  try {
    data = decode(recorded).event.data as unknown as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof UnknownEventTypeError)) throw error;
  }
  return {
    position: recorded.position,
    type: recorded.type,
    stream: recorded.stream,
    recordedAt: recorded.recordedAt.toISOString(),
    data,
  };
}
