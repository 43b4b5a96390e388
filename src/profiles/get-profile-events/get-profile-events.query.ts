import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { READ_STORE, type ReadStore } from '../../read-store';
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
  ) {}

  async execute({ namespace, id, params }: GetProfileEventsQuery): Promise<ProfileEventsBody> {
    const identity = this.lookup.normalise(namespace, id);
    await this.lookup.awaitPosition(params.minPosition);
    const node = await this.lookup.node(identity);
    const graph = await this.store.getGraph(node.graphId);
    const page = await this.store.queryEvents({
      primaryKeys: graph.nodes.map((n) => n.key),
      from: params.from ? Date.parse(params.from) : undefined,
      to: params.to ? Date.parse(params.to) : undefined,
      types: params.type ? params.type.split(',').map((t) => t.trim()).filter((t) => t !== '') : undefined,
      order: params.order ?? 'desc',
      limit: params.limit ?? 100,
      cursor: params.cursor,
    });
    return { items: page.items.map((e) => e.doc), nextCursor: page.nextCursor ?? null };
  }
}
