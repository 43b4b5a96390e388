import { Inject, Injectable } from '@nestjs/common';
import { evaluateAll, explainCondition, reachableAudiences, type ExplainedCondition } from '../../projections/audiences';
import { notFound } from '../common';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port';
import { SubjectLookup } from '../profiles';
import { AudienceDefinitionsService } from './audience-definitions.service';
import { AudienceMembershipsReader } from './audience-memberships.reader';
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
 * `enteredAt` are the stored membership, so they agree with the profile body and the member list.
 */
@Injectable()
export class ExplainMembership {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly subjects: SubjectLookup,
    private readonly audiences: AudienceDefinitionsService,
    private readonly views: ProfileViews,
    private readonly memberships: AudienceMembershipsReader,
  ) {}

  async explain(namespace: string, rawId: string, audienceId: string, minPosition: string | undefined, now: number): Promise<MembershipExplanation> {
    const definition = await this.audiences.get(audienceId);
    const definitions = await this.audiences.definitions();
    await this.subjects.awaitPosition(minPosition);
    const node = await this.subjects.node(this.subjects.normalise(namespace, rawId));
    const profile = await this.store.getProfile(node.graphId);
    if (!profile) throw notFound('PROFILE_NOT_FOUND', 'Nothing is known of this identity');
    const reached = reachableAudiences(definitions, definition.condition);
    const conditions = [definition.condition, ...reached.map((id) => definitions.byId.get(id)!.condition)];
    const view = await this.views.viewOf(profile, conditions, now);
    const members = evaluateAll(definitions, view, new Set(reached));
    const stored = new Map((await this.memberships.current(node.graphId)).map((m) => [m.id, m.enteredAt]));
    const held = new Map([...members].map((id) => [id, stored.has(id) ? { enteredAt: stored.get(id)! } : {}]));
    const explained = explainCondition(definition.condition, { ...view, memberships: held });
    const enteredAt = stored.get(audienceId);
    return { member: enteredAt !== undefined, ...(enteredAt ? { enteredAt } : {}), condition: explained };
  }
}
