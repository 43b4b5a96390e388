import { Body, Controller, Header, HttpCode, Options, Post, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common';
import { SegmentAnswer, SegmentIngestion } from './segment-ingestion';
import { CallType } from './segment-message';
import { SegmentAnswerDto, SegmentBatchDto, SegmentMessageDto, SegmentRefusals, SEGMENT_DESCRIPTION } from './segment.dto';
import { WriteKeys } from './write-keys';

/**
 * The Segment HTTP Tracking API (API.md "Segment-compatible tracking API"), plus the short paths the browser
 * library (@segment/analytics-next) posts to: /v1/i, /v1/t, /v1/p, /v1/s, /v1/g, /v1/a and /v1/b. Routes carry no
 * @RequireScope: a write key, not an API key, authenticates them.
 */
export const SEGMENT_ROUTES: Record<CallType | 'batch', string[]> = {
  identify: ['identify', 'i'],
  track: ['track', 't'],
  page: ['page', 'p'],
  screen: ['screen', 's'],
  group: ['group', 'g'],
  alias: ['alias', 'a'],
  batch: ['batch', 'b'],
};
export const SEGMENT_PATHS: ReadonlySet<string> = new Set(Object.values(SEGMENT_ROUTES).flat().map((p) => `/v1/${p}`));
const ALL_PATHS = Object.values(SEGMENT_ROUTES).flat();

@ApiTags('segment')
@ApiBasicAuth()
@Controller('v1')
export class SegmentController {
  constructor(
    private readonly segment: SegmentIngestion,
    private readonly writeKeys: WriteKeys,
  ) {}

  @Post(SEGMENT_ROUTES.identify)
  @Doc('identify', 'A record of the person: attributes = traits')
  identify(@Req() req: FastifyRequest, @Body() body: unknown) {
    return this.single('identify', req, body);
  }

  @Post(SEGMENT_ROUTES.track)
  @Doc('track', 'An event of type `event`, data = properties')
  track(@Req() req: FastifyRequest, @Body() body: unknown) {
    return this.single('track', req, body);
  }

  @Post(SEGMENT_ROUTES.page)
  @Doc('page', 'An event "Page Viewed": data = properties plus name and category')
  page(@Req() req: FastifyRequest, @Body() body: unknown) {
    return this.single('page', req, body);
  }

  @Post(SEGMENT_ROUTES.screen)
  @Doc('screen', 'An event "Screen Viewed": data = properties plus name and category')
  screen(@Req() req: FastifyRequest, @Body() body: unknown) {
    return this.single('screen', req, body);
  }

  @Post(SEGMENT_ROUTES.group)
  @Doc('group', 'A record of the person with the traits under groups.<groupId>')
  group(@Req() req: FastifyRequest, @Body() body: unknown) {
    return this.single('group', req, body);
  }

  @Post(SEGMENT_ROUTES.alias)
  @Doc('alias', 'A link of previousId (in the anonymousId namespace) and userId')
  alias(@Req() req: FastifyRequest, @Body() body: unknown) {
    return this.single('alias', req, body);
  }

  @Post(SEGMENT_ROUTES.batch)
  @Doc('batch', 'Up to 2,500 messages of any type in `batch`; each is answered as its single call would be')
  batch(@Req() req: FastifyRequest, @Body() body: unknown): Promise<SegmentAnswer> {
    const source = this.writeKeys.sourceOf(req.headers.authorization, body);
    const batch = isRecord(body) ? body.batch : undefined;
    if (!Array.isArray(batch)) throw new AppError('SEGMENT_BATCH_INVALID', '`batch` must be an array of messages');
    const { sentAt, context } = body as Record<string, unknown>;
    return this.segment.ingest({ source, messages: batch, batchSentAt: sentAt, batchContext: context });
  }

  /** CORS preflight, for browser pages that override the library's text/plain (which needs none). */
  @Options(ALL_PATHS)
  @HttpCode(204)
  @Header('access-control-allow-methods', 'POST')
  @Header('access-control-allow-headers', 'content-type, authorization, content-encoding')
  @Header('access-control-max-age', '86400')
  preflight(): void {}

  private single(type: CallType, req: FastifyRequest, body: unknown): Promise<SegmentAnswer> {
    const source = this.writeKeys.sourceOf(req.headers.authorization, body);
    return this.segment.ingest({ source, messages: [body], type });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function Doc(call: CallType | 'batch', summary: string): MethodDecorator {
  return (target, key, descriptor) => {
    HttpCode(200)(target, key, descriptor);
    ApiOperation({ summary: `Segment ${call}: ${summary}`, description: SEGMENT_DESCRIPTION })(target, key, descriptor);
    ApiBody({ type: call === 'batch' ? SegmentBatchDto : SegmentMessageDto })(target, key, descriptor);
    ApiOkResponse({ type: SegmentAnswerDto })(target, key, descriptor);
    SegmentRefusals(target, key, descriptor);
  };
}
