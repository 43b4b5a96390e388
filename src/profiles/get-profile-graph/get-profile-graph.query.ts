import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { IdentitySettingsService } from '../../identity';
import { READ_STORE, type ReadStore } from '../../read-store';
import { AsOfReader } from '../as-of/as-of-reader';
import { snapshotGraph } from '../as-of/as-of-snapshot';
import { graphBody } from '../profile-response';
import { SubjectLookup } from '../subject-lookup';

export type ProfileGraphBody = ReturnType<typeof graphBody>;

export class GetProfileGraphQuery extends Query<ProfileGraphBody> {
  constructor(
    readonly namespace: string,
    readonly id: string,
    readonly minPosition?: string,
    /** Log time, epoch ms: the graph as the service knew it then, under the rules in force then. */
    readonly asOf?: number,
  ) {
    super();
  }
}

@QueryHandler(GetProfileGraphQuery)
export class GetProfileGraphHandler implements IQueryHandler<GetProfileGraphQuery, ProfileGraphBody> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly lookup: SubjectLookup,
    private readonly settings: IdentitySettingsService,
    private readonly asOf: AsOfReader,
  ) {}

  async execute(query: GetProfileGraphQuery): Promise<ProfileGraphBody> {
    const identity = this.lookup.normalise(query.namespace, query.id);
    await this.lookup.awaitPosition(query.minPosition);
    if (query.asOf !== undefined) {
      const snapshot = await this.asOf.snapshot(identity, query.asOf);
      return graphBody(snapshotGraph(snapshot), snapshot.rules.settings);
    }
    const node = await this.lookup.node(identity);
    return graphBody(await this.store.getGraph(node.graphId), this.settings.current().settings);
  }
}
