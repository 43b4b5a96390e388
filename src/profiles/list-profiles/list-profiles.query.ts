import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { READ_STORE, type ReadStore } from '../../read-store';
import { profileBody, type ProfileBody } from '../profile-response';
import { SubjectLookup } from '../subject-lookup';

export interface ProfilePageBody {
  items: ProfileBody[];
  nextCursor: string | null;
}

export class ListProfilesQuery extends Query<ProfilePageBody> {
  constructor(
    readonly limit: number,
    readonly cursor?: string,
    readonly minPosition?: string,
  ) {
    super();
  }
}

@QueryHandler(ListProfilesQuery)
export class ListProfilesHandler implements IQueryHandler<ListProfilesQuery, ProfilePageBody> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly lookup: SubjectLookup,
  ) {}

  async execute(query: ListProfilesQuery): Promise<ProfilePageBody> {
    const position = await this.lookup.awaitPosition(query.minPosition);
    const page = await this.store.listProfiles({ limit: query.limit, cursor: query.cursor });
    return { items: page.items.map((p) => profileBody(p.doc, position)), nextCursor: page.nextCursor ?? null };
  }
}
