import { BeforeApplicationShutdown, Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { ChangeItem } from '../../projections/change-feed';
import { RequireScope } from '../common';
import { DEFAULT_DESTINATIONS, TESSERA_CONFIG, type TesseraConfig } from '../config';
import { CHANGE_FEED, type ChangeFeedReader } from './change-feed.port';
import { parseChangeCursor, parseChangeLimit, parseChangeTypes, MAX_CHANGE_PAGE } from './change-query';
import { pumpChanges, type StreamSink } from './change-stream';
import { FeedTail } from './feed-tail';

const TYPES_HELP = 'Comma-separated change types (profile.created, profile.updated, profile.merged, profile.split, profile.erased, audience.entered, audience.exited, computed.changed)';

/** The change feed: profile and audience transitions in log order, by cursor or as Server-Sent Events. */
@ApiTags('change feed')
@RequireScope('read')
@Controller('v1/changes')
export class ChangesController implements BeforeApplicationShutdown {
  /** Open streams, ended at shutdown so the HTTP server can close. */
  private readonly open = new Set<ServerResponse>();

  constructor(
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeedReader,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
    private readonly tail: FeedTail,
  ) {}

  beforeApplicationShutdown(): void {
    for (const response of this.open) response.destroy();
    this.tail.wakeAll();
  }

  @Get()
  @ApiOperation({
    summary: 'A page of the change feed after `from`',
    description:
      'Items hold profile ids and the kind of change, never attribute or identity values; computed.changed carries the computed attribute\'s name and new value, and is removed with the subject\'s other items at erasure. `next` is the id to pass as `from` to continue (also at the end of the feed, to poll). ' +
      'A rebuild writes the same items, ids included, for everything a log entry caused and for profile.erased notices and for lapsing windows (written after the entry each lapse follows in log time, ids ending -e<moment><ordinal>); a backfill\'s items (written after whichever checkpoint its pages ran at) and other profiles\' items an erased subject caused are the run\'s own (README "Change feed and webhooks").',
  })
  @ApiQuery({ name: 'from', required: false, description: 'Exclusive change id; absent: the start of the feed' })
  @ApiQuery({ name: 'limit', required: false, description: `1..${MAX_CHANGE_PAGE}, default 100` })
  @ApiQuery({ name: 'types', required: false, description: TYPES_HELP })
  @ApiOkResponse({ description: '{items: [{id, type, at, profileId, ...}], next}' })
  async list(@Query('from') from?: unknown, @Query('limit') limit?: unknown, @Query('types') types?: unknown): Promise<{ items: ChangeItem[]; next: string | null }> {
    const after = parseChangeCursor(from);
    const items = await this.feed.readChanges({ after, limit: parseChangeLimit(limit), types: parseChangeTypes(types) });
    return { items, next: items.at(-1)?.id ?? after ?? null };
  }

  @Get('stream')
  @ApiOperation({
    summary: 'The change feed as Server-Sent Events (id: change id, event: type, data: the item)',
    description: 'Resumes after Last-Event-ID (or `from`); without either it starts at the end of the feed (live items only). A comment line is sent when the stream is quiet.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'types', required: false, description: TYPES_HELP })
  async stream(
    @Res() reply: FastifyReply,
    @Headers('last-event-id') lastEventId?: string,
    @Query('from') from?: unknown,
    @Query('types') types?: unknown,
  ): Promise<void> {
    const resumeAt = parseChangeCursor(lastEventId, 'Last-Event-ID') ?? parseChangeCursor(from);
    const filter = parseChangeTypes(types);
    const after = lastEventId || from ? resumeAt : await this.feed.lastChangeId();
    reply.hijack();
    const sink = socketSink(reply);
    this.open.add(reply.raw);
    reply.raw.once('close', () => this.open.delete(reply.raw));
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    await sink.write('retry: 2000\n\n');
    const heartbeatMs = (this.config.destinations ?? DEFAULT_DESTINATIONS).heartbeatMs;
    await pumpChanges(this.feed, sink, {
      after,
      types: filter,
      heartbeatMs,
      version: () => this.tail.version,
      waitForChanges: (ms, since) => this.tail.next(ms, since),
      now: Date.now,
    }).catch(() => reply.raw.destroy());
    if (!reply.raw.destroyed) reply.raw.end();
  }
}

/** Writes that wait for 'drain' when the socket's buffer is full, and a `closed` flag set when the client goes. */
function socketSink(reply: FastifyReply): StreamSink {
  const raw = reply.raw;
  const sink = {
    closed: false,
    write(chunk: string): Promise<void> {
      if (sink.closed || raw.write(chunk)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          raw.off('drain', done);
          raw.off('close', done);
          resolve();
        };
        raw.once('drain', done);
        raw.once('close', done);
      });
    },
  };
  raw.once('close', () => {
    sink.closed = true;
  });
  return sink;
}
