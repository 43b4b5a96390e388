import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { explainPath, type ExplainStep } from '../../../projections/identity-graph';
import { identityKey, NAMESPACE_CODE, parseIdentityKey, type IdentityRef, type LinkState } from '../../../projections/model';
import { badRequest, notFound } from '../../common';
import type { DecodedEvent } from '../../events';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { READ_STORE, type ReadStore } from '../../read-store';
import { AsOfReader } from '../as-of/as-of-reader';
import { snapshotGraph } from '../as-of/as-of-snapshot';
import { readIndexedItems } from '../as-of/log-reads';
import { SubjectLookup } from '../subject-lookup';

export interface ExplainBody {
  from: IdentityRef;
  to: IdentityRef;
  links: ReturnType<typeof linkBody>[];
}

export class ExplainGraphPathQuery extends Query<ExplainBody> {
  constructor(
    readonly namespace: string,
    readonly id: string,
    readonly params: { to: string; minPosition?: string; asOf?: number },
  ) {
    super();
  }
}

/**
 * Why two identities are one profile: the shortest chain of active links between them in the graph (now, or as of
 * a moment), each link with its sources, times and the item that first observed it, read back from the log.
 */
@QueryHandler(ExplainGraphPathQuery)
export class ExplainGraphPathHandler implements IQueryHandler<ExplainGraphPathQuery, ExplainBody> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly log: EventStore,
    private readonly lookup: SubjectLookup,
    private readonly asOf: AsOfReader,
  ) {}

  async execute({ namespace, id, params }: ExplainGraphPathQuery): Promise<ExplainBody> {
    const from = this.lookup.normalise(namespace, id);
    const target = parseTarget(params.to);
    const to = this.lookup.normalise(target.namespace, target.id);
    await this.lookup.awaitPosition(params.minPosition);
    const links = await this.graphLinks(from, params.asOf);
    const chain = explainPath(links, identityKey(from), identityKey(to));
    if (!chain) throw notFound('GRAPH_PATH_NOT_FOUND', 'The two identities are not in one graph');
    const creators = await this.creators(chain);
    return { from, to, links: chain.map((step) => linkBody(step, creators.get(step.link.createdBy))) };
  }

  private async graphLinks(from: IdentityRef, asOf: number | undefined): Promise<LinkState[]> {
    if (asOf !== undefined) return snapshotGraph(await this.asOf.snapshot(from, asOf)).links;
    const node = await this.lookup.node(from);
    return (await this.store.getGraph(node.graphId)).links;
  }

  /** The items that first observed each link, found through the index under one of the link's ends. */
  private async creators(chain: readonly ExplainStep[]): Promise<Map<string, DecodedEvent>> {
    const rows = [];
    for (const { link } of chain) {
      rows.push(...(await this.store.getItemsOfIdentities([link.a], { eventIds: [link.createdBy] })));
    }
    return new Map((await readIndexedItems(this.log, rows)).map((d) => [d.eventId, d]));
  }
}

/** `<namespace>:<id>`, split at the first ':' (namespace codes hold none). */
function parseTarget(to: string): IdentityRef {
  const colon = to.indexOf(':');
  const target = colon < 0 ? undefined : parseIdentityKey(to);
  if (!target || !NAMESPACE_CODE.test(target.namespace) || target.id.trim() === '') {
    throw badRequest('EXPLAIN_TARGET_INVALID', 'to must name an identity as <namespace>:<id>');
  }
  return target;
}

function linkBody(step: ExplainStep, creator: DecodedEvent | undefined) {
  const { link } = step;
  return {
    from: parseIdentityKey(step.from),
    to: parseIdentityKey(step.to),
    firstSeen: new Date(link.firstSeen).toISOString(),
    lastSeen: new Date(link.lastSeen).toISOString(),
    sources: link.sources,
    createdBy: { eventId: link.createdBy, ...(creator ? creatorBody(creator) : {}) },
  };
}

function creatorBody(decoded: DecodedEvent) {
  const data = decoded.event.data as { itemId?: string; source?: string; timestamp?: string };
  return {
    kind: decoded.event.type === 'RecordIngested' ? 'record' : decoded.event.type === 'LinkObserved' ? 'link' : 'event',
    id: data.itemId,
    source: data.source,
    timestamp: data.timestamp === undefined ? undefined : new Date(data.timestamp).toISOString(),
    position: decoded.position,
    recordedAt: decoded.recordedAt.toISOString(),
  };
}
