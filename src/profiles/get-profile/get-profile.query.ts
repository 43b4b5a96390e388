import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { notFound } from '../../common';
import { TESSERA_CONFIG, TesseraConfig } from '../../config';
import type { Position } from '../../event-store';
import { IdentitySettingsService } from '../../identity';
import { MergePoliciesService, type MergePolicy } from '../../merge-policies';
import { profileIdOf, profileRecordFor, type PrimaryStats } from '../../read-models';
import { READ_STORE, type ReadStore } from '../../read-store';
import type { Fragment } from '../../../projections/unified-profile';
import { identityKey, type IdentityKey, type IdentityNode, type IdentityRef } from '../../../projections/model';
import { ComputedValuesReader } from '../../computed-attributes';
import { AudienceMembershipsReader } from '../../audiences/audience-memberships.module';
import { AsOfReader } from '../as-of/as-of-reader';
import { snapshotMembers, snapshotProfile } from '../as-of/as-of-views';
import { profileBody, type ProfileBody } from '../profile-response';
import { SubjectLookup } from '../subject-lookup';

export class GetProfileQuery extends Query<ProfileBody> {
  constructor(
    readonly namespace: string,
    readonly id: string,
    readonly mergePolicy?: string,
    readonly minPosition?: string,
    /** Log time, epoch ms: the profile as the service knew it then. */
    readonly asOf?: number,
  ) {
    super();
  }
}

/**
 * The same read as GetProfileQuery, answered as the JSON text of its body: the HTTP routes send it as it is. The
 * stored document's text is spliced, never parsed and re-serialised (profile-json.ts); the bytes equal
 * `JSON.stringify` of GetProfileQuery's body (get-profile-json.spec.ts).
 */
export class GetProfileJsonQuery extends Query<string> {
  constructor(readonly read: GetProfileQuery) {
    super();
  }
}

/** The stored document serves the built-in merge; any other policy is computed on read from the fragments. */
const isStoredShape = (p: MergePolicy) => p.attributeMerge.type === 'timestampOrdered' && p.identityStitching === 'graph';

@QueryHandler(GetProfileQuery)
export class GetProfileHandler implements IQueryHandler<GetProfileQuery, ProfileBody> {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(TESSERA_CONFIG) private readonly config: TesseraConfig,
    private readonly lookup: SubjectLookup,
    private readonly policies: MergePoliciesService,
    private readonly settings: IdentitySettingsService,
    private readonly asOf: AsOfReader,
    private readonly computedValues: ComputedValuesReader,
    private readonly memberships: AudienceMembershipsReader,
  ) {}

  async execute(query: GetProfileQuery): Promise<ProfileBody> {
    const { identity, position, policy } = await this.begin(query);
    if (query.asOf !== undefined) return this.executeAsOf(identity, query.asOf, policy);
    return this.executeNow(identity, policy, position);
  }

  /** GetProfileJsonQuery: the hot path (now, the stored merge) as text; every other read as JSON of its body. */
  async executeJson(query: GetProfileQuery): Promise<string> {
    const { identity, position, policy } = await this.begin(query);
    if (query.asOf !== undefined) return JSON.stringify(await this.executeAsOf(identity, query.asOf, policy));
    if (!isStoredShape(policy)) return JSON.stringify(await this.executeNow(identity, policy, position));
    // One read of the store for node, profile, memberships and computed values (ReadStore.getProfileView).
    const definitions = await this.computedValues.inForce();
    const view = await this.store.getProfileView(identityKey(identity), definitions.length > 0);
    if (!view) throw notFound('PROFILE_NOT_FOUND', 'Nothing is known of this identity');
    if (view.json === undefined) throw notFound('PROFILE_NOT_FOUND', 'No profile holds this identity');
    const computed = definitions.length === 0 ? '{}' : JSON.stringify(this.computedValues.valuesOf(definitions, view.computed));
    const audiences = view.memberships.length === 0 ? '[]' : JSON.stringify(this.memberships.ofRows(view.memberships));
    // profileBody's member order: the document's own, then computed, audiences, position.
    return `${view.json.slice(0, -1)},"computed":${computed},"audiences":${audiences},"position":${JSON.stringify(position ?? null)}}`;
  }

  private async begin(query: GetProfileQuery): Promise<{ identity: IdentityRef; position: Position | undefined; policy: MergePolicy }> {
    const identity = this.lookup.normalise(query.namespace, query.id);
    const position = await this.lookup.awaitPosition(query.minPosition);
    const policy = query.mergePolicy ? await this.policies.get(query.mergePolicy) : await this.policies.default();
    return { identity, position, policy };
  }

  private async executeNow(identity: IdentityRef, policy: MergePolicy, position: Position | undefined): Promise<ProfileBody> {
    const node = await this.lookup.node(identity);
    if (isStoredShape(policy)) {
      const stored = await this.store.getProfile(node.graphId);
      if (!stored) throw notFound('PROFILE_NOT_FOUND', 'No profile holds this identity');
      const audiences = await this.memberships.current(node.graphId);
      return profileBody({ ...stored.doc, computed: await this.computedValues.current(node.graphId), audiences }, position);
    }
    const nodes = policy.identityStitching === 'graph' ? (await this.store.getGraph(node.graphId)).nodes : [node];
    const computed = await this.compute(policy.identityStitching === 'graph' ? node.graphId : node.key, nodes, policy);
    if (!computed) throw notFound('PROFILE_NOT_FOUND', 'No record or event under this merge policy');
    const audiences = await this.memberships.current(node.graphId);
    return profileBody({ ...computed, computed: await this.computedValues.current(node.graphId), audiences }, position);
  }

  /** The merge policy is today's: policies say how to read the log, not what it held. */
  private async executeAsOf(identity: IdentityRef, asOf: number, policy: MergePolicy): Promise<ProfileBody> {
    const snapshot = await this.asOf.snapshot(identity, asOf);
    const doc = snapshotProfile(snapshot, policy);
    if (!doc) throw notFound('PROFILE_NOT_FOUND', 'No profile held this identity at asOf');
    const computed = await this.computedValues.asOf(snapshotMembers(snapshot), snapshot.items, asOf);
    const audiences = await this.memberships.asOf(snapshotMembers(snapshot), asOf);
    return profileBody({ ...doc, computed, audiences }, snapshot.position ?? undefined);
  }

  private async compute(graphId: IdentityKey, nodes: IdentityNode[], policy: MergePolicy) {
    const keys = nodes.map((n) => n.key);
    const [fragments, stats] = await Promise.all([this.store.getFragmentsOfPrimaries(keys), this.store.getEventStats(keys)]);
    if (policy.identityStitching === 'none' && fragments.length === 0) return undefined;
    const byPrimary = new Map<IdentityKey, Fragment[]>();
    for (const f of fragments) byPrimary.set(f.primaryKey, [...(byPrimary.get(f.primaryKey) ?? []), f.doc]);
    const statsByKey = new Map<IdentityKey, PrimaryStats>(stats.map((s) => [s.primaryKey, s]));
    const ctx = {
      settings: this.settings.current().settings,
      profileIdOf: (g: IdentityKey) => profileIdOf(this.config.identityHashKey!, g),
    };
    return profileRecordFor(graphId, nodes, byPrimary, statsByKey, ctx, policy.attributeMerge)?.doc;
  }
}

/** Answers GetProfileJsonQuery with GetProfileHandler's own reads. */
@QueryHandler(GetProfileJsonQuery)
export class GetProfileJsonHandler implements IQueryHandler<GetProfileJsonQuery, string> {
  constructor(private readonly profiles: GetProfileHandler) {}

  execute(query: GetProfileJsonQuery): Promise<string> {
    return this.profiles.executeJson(query.read);
  }
}
