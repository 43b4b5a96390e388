import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { TESSERA_CONFIG, TesseraConfig } from '../config';
import { AppError, badRequest, JSON_TYPE, MalformedLine, NDJSON_TYPE, RequireScope } from '../common';
import { IngestEntry, IngestItemsCommand, ItemResult } from './ingest-items.command';
import { AcceptedDto, BatchResponseDto, ErrorResponseDto, EventDto, LinkDto, RecordDto } from './ingestion.dto';
import { ITEM_KINDS, ItemKind } from './item-rules';

const REJECTIONS = [
  ApiBadRequestResponse({ type: ErrorResponseDto, description: 'MALFORMED_JSON, INVALID_UTF8, EMPTY_BODY, VALIDATION_FAILED' }),
  ApiUnprocessableEntityResponse({
    type: ErrorResponseDto,
    description: 'UNKNOWN_NAMESPACE, NO_IDENTITY, IDENTITY_VALUE_TOO_LONG, TOO_MANY_IDENTITIES, UNIQUE_NAMESPACE_CONFLICT, ' +
      'MULTIPLE_PRIMARY_IDENTITIES, LINK_NEEDS_TWO_IDENTITIES, TIMESTAMP_REQUIRED, TIMESTAMP_INVALID, FORBIDDEN_KEY, ' +
      'INVALID_ATTRIBUTE_KEY, NESTING_TOO_DEEP',
  }),
  ApiPayloadTooLargeResponse({
    type: ErrorResponseDto,
    description: 'REQUEST_TOO_LARGE, RECORD_TOO_LARGE, EVENT_TOO_LARGE, LINK_TOO_LARGE, BATCH_TOO_MANY_ITEMS',
  }),
  ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'UNSUPPORTED_MEDIA_TYPE' }),
];
const Rejections = (): MethodDecorator => (target, key, descriptor) => {
  REJECTIONS.forEach((d) => d(target, key, descriptor));
};

@ApiTags('ingestion')
@RequireScope('ingest')
@Controller('v1')
export class IngestionController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
  ) {}

  @Post('records')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ingest a profile record (attributes of a person as one source knows them)' })
  @ApiBody({ type: RecordDto })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @Rejections()
  record(@Body() body: unknown): Promise<AcceptedDto> {
    return this.one('record', body);
  }

  @Post('events')
  @HttpCode(202)
  @ApiOperation({ summary: 'Ingest an experience event (an interaction); id and timestamp are required' })
  @ApiBody({ type: EventDto })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @Rejections()
  event(@Body() body: unknown): Promise<AcceptedDto> {
    return this.one('event', body);
  }

  @Post('links')
  @HttpCode(202)
  @ApiOperation({ summary: 'Observe that two or more identities belong together' })
  @ApiBody({ type: LinkDto })
  @ApiAcceptedResponse({ type: AcceptedDto })
  @Rejections()
  link(@Body() body: unknown): Promise<AcceptedDto> {
    return this.one('link', body);
  }

  @Post('ingest')
  @HttpCode(207)
  @ApiOperation({
    summary: 'Ingest a batch: a JSON array or NDJSON of {"kind": "record"|"event"|"link", ...}',
    description: 'Valid items land, invalid ones are reported one by one and not stored. An identity linked to more ' +
      'than FAN_OUT_LIMIT (default 50) other identities within the batch is kept on its items but left out of their links.',
  })
  @ApiConsumes(JSON_TYPE, NDJSON_TYPE)
  @ApiBody({ schema: { type: 'array', items: { type: 'object', required: ['kind'] } } })
  @ApiResponse({ status: 207, type: BatchResponseDto })
  @Rejections()
  async batch(@Body() body: unknown): Promise<{ results: ItemResult[] }> {
    if (!Array.isArray(body)) throw badRequest('BATCH_NOT_ARRAY', 'A batch is a JSON array (or NDJSON) of items');
    const max = this.config.limits.maxBatchItems;
    if (body.length > max) throw new AppError('BATCH_TOO_MANY_ITEMS', 413, `A batch holds at most ${max} items, got ${body.length}`);
    const results = await this.commands.execute(new IngestItemsCommand(body.map(toEntry), true));
    return { results };
  }

  private async one(kind: ItemKind, body: unknown): Promise<AcceptedDto> {
    const [result] = await this.commands.execute(new IngestItemsCommand([{ kind, body }], false));
    return toResponse(result);
  }
}

function toEntry(item: unknown): IngestEntry {
  if (item instanceof MalformedLine) return { malformed: item.error };
  const kind = (item as { kind?: unknown } | null)?.kind;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return { malformed: badRequest('VALIDATION_FAILED', 'A batch item must be a JSON object') };
  }
  if (!(ITEM_KINDS as unknown[]).includes(kind)) {
    return { malformed: badRequest('UNKNOWN_KIND', `kind must be one of ${ITEM_KINDS.join(', ')}`, [{ path: 'kind', message: 'unknown kind' }]) };
  }
  return { kind: kind as ItemKind, body: item };
}

function toResponse(result: ItemResult): AcceptedDto {
  if (result.error) throw new AppError(result.error.code, result.status as AppError['status'], result.error.message, result.error.details);
  const { id, position, duplicate, warnings } = result;
  return { id: id!, position: position!, ...(duplicate ? { duplicate } : {}), ...(warnings ? { warnings } : {}) };
}
