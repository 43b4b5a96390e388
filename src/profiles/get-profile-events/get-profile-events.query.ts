import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { READ_STORE, type EventsQuery, type Page, type ReadStore, type TimelineEvent } from '../../read-store';
import { AsOfReader } from '../as-of/as-of-reader';
import { snapshotEvents } from '../as-of/as-of-views';
import { asOfTime } from '../as-of-time';
import type { ProfileEventsQueryDto } from '../profile-query.dto';
import { SubjectLookup } from '../subject-lookup';

export interface ProfileEventsBody {
  items: Record<string, unknown>[];
  nextCursor: string | null;
}

export class GetProfileEventsQuery extends Query<ProfileEventsBody> {
  constructor(
    readonly namespace: string,
    readonly id: string,
    readonly params: ProfileEventsQueryDto,
  ) {
    super();
  }
}

/** Every event whose primary identity is in the graph now: anonymous events follow a device to its owner. */
@QueryHandler(GetProfileEventsQuery)
export class GetProfileEventsHandler implements IQueryHandler<GetProfileEventsQuery, ProfileEventsBody> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly lookup: SubjectLookup,
    private readonly asOf: AsOfReader,
  ) {}

  async execute({ namespace, id, params }: GetProfileEventsQuery): Promise<ProfileEventsBody> {
    const identity = this.lookup.normalise(namespace, id);
    await this.lookup.awaitPosition(params.minPosition);
    const query = eventsQueryOf(params);
    const asOf = asOfTime(params.asOf);
    if (asOf !== undefined) return bodyOf(snapshotEvents(await this.asOf.snapshot(identity, asOf), query));
    const node = await this.lookup.node(identity);
    const graph = await this.store.getGraph(node.graphId);
    return bodyOf(await this.store.queryEvents({ primaryKeys: graph.nodes.map((n) => n.key), ...query }));
  }
}

function eventsQueryOf(params: ProfileEventsQueryDto): Omit<EventsQuery, 'primaryKeys'> {
  return {
    from: params.from ? Date.parse(params.from) : undefined,
    to: params.to ? Date.parse(params.to) : undefined,
    types: params.type ? params.type.split(',').map((t) => t.trim()).filter((t) => t !== '') : undefined,
    order: params.order ?? 'desc',
    limit: params.limit ?? 100,
    cursor: params.cursor,
  };
}

function bodyOf(page: Page<TimelineEvent>): ProfileEventsBody {
  return { items: page.items.map((e) => e.doc), nextCursor: page.nextCursor ?? null };
}
