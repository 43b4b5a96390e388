import { Inject, Injectable } from '@nestjs/common';
import { evaluateAll, explainCondition, reachableAudiences, type AudienceDefinitions, type ExplainedCondition, type ExplainView } from '../../projections/audiences';
import type { Condition } from '../../projections/conditions';
import { notFound } from '../common';
import { ComputedValuesReader } from '../computed-attributes';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port';
import { AsOfReader, snapshotStoredProfile, SubjectLookup } from '../profiles';
import { AudienceDefinitionsService } from './audience-definitions.service';
import { AudienceMembershipsReader, type ProfileMembership } from './audience-memberships.reader';
import { ProfileViews } from './profile-views';

export interface MembershipExplanation {
  /** As the projector keeps it (the profile body's `audiences`); `condition` is the evaluation now beside it. */
  member: boolean;
  enteredAt?: string;
  condition: ExplainedCondition;
}

/**
 * GET /v1/profiles/{namespace}/{id}/audiences/{audienceId}/explain: the audience's condition with `matched` on every
 * node and the evidence that decided it, for the profile the identity belongs to, evaluated now. `member` and
 * `enteredAt` are the stored membership, so they agree with the profile body and the member list. With `asOf`, all
 * of it as the service knew it at that moment (log time), the way the profile body answers asOf: the definition
 * then in force, the profile folded from the log before it, windows evaluated with now = asOf, and the membership
 * stored for that moment.
 */
@Injectable()
export class ExplainMembership {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly subjects: SubjectLookup,
    private readonly audiences: AudienceDefinitionsService,
    private readonly views: ProfileViews,
    private readonly memberships: AudienceMembershipsReader,
    private readonly asOfReader: AsOfReader,
    private readonly computedValues: ComputedValuesReader,
  ) {}

  async explain(namespace: string, rawId: string, audienceId: string, minPosition: string | undefined, now: number, asOf?: number): Promise<MembershipExplanation> {
    await this.subjects.awaitPosition(minPosition);
    const identity = this.subjects.normalise(namespace, rawId);
    if (asOf !== undefined) return this.explainAsOf(identity, audienceId, asOf);
    const definition = await this.audiences.get(audienceId);
    const definitions = await this.audiences.definitions();
    const node = await this.subjects.node(identity);
    const profile = await this.store.getProfile(node.graphId);
    if (!profile) throw notFound('PROFILE_NOT_FOUND', 'Nothing is known of this identity');
    const conditions = conditionsOf(definitions, definition.condition);
    const view = await this.views.viewOf(profile, conditions, now);
    return explained(definitions, definition.condition, audienceId, view, await this.memberships.current(node.graphId));
  }

  private async explainAsOf(identity: ReturnType<SubjectLookup['normalise']>, audienceId: string, asOf: number): Promise<MembershipExplanation> {
    const definitions = await this.audiences.definitionsBefore(asOf);
    const definition = definitions.byId.get(audienceId);
    if (!definition) {
      await this.audiences.get(audienceId);
      throw notFound('AUDIENCE_NOT_FOUND', `Audience ${audienceId} was not defined at asOf`);
    }
    const snapshot = await this.asOfReader.snapshot(identity, asOf);
    const then = snapshotStoredProfile(snapshot);
    if (!then) throw notFound('PROFILE_NOT_FOUND', 'No profile held this identity at asOf');
    const computed = await this.computedValues.asOf(then.members, snapshot.items, asOf);
    const view = this.views.viewAsOf(then.doc, computed, then.events, conditionsOf(definitions, definition.condition), asOf);
    return explained(definitions, definition.condition, audienceId, view, await this.memberships.asOf(then.members, asOf));
  }
}

/** The audience's condition and those of every audience it reaches (their event conditions need counting too). */
function conditionsOf(definitions: AudienceDefinitions, condition: Condition): Condition[] {
  return [condition, ...reachableAudiences(definitions, condition).map((id) => definitions.byId.get(id)!.condition)];
}

function explained(definitions: AudienceDefinitions, condition: Condition, audienceId: string, view: ExplainView, held: readonly ProfileMembership[]): MembershipExplanation {
  const members = evaluateAll(definitions, view, new Set(reachableAudiences(definitions, condition)));
  const stored = new Map(held.map((m) => [m.id, m.enteredAt]));
  const memberships = new Map([...members].map((id) => [id, stored.has(id) ? { enteredAt: stored.get(id)! } : {}]));
  const explainedCondition = explainCondition(condition, { ...view, memberships });
  const enteredAt = stored.get(audienceId);
  return { member: enteredAt !== undefined, ...(enteredAt ? { enteredAt } : {}), condition: explainedCondition };
}
