import { Inject, Injectable } from '@nestjs/common';
import { evaluateAll, explainCondition, reachableAudiences, type ExplainedCondition } from '../../projections/audiences';
import { notFound } from '../common';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port';
import { SubjectLookup } from '../profiles';
import { AudienceDefinitionsService } from './audience-definitions.service';
import { ProfileViews } from './profile-views';

export interface MembershipExplanation {
  member: boolean;
  condition: ExplainedCondition;
}

/**
 * GET /v1/profiles/{namespace}/{id}/audiences/{audienceId}/explain: the audience's condition with `matched` on every
 * node and the evidence that decided it, for the profile the identity belongs to, evaluated now.
 */
@Injectable()
export class ExplainMembership {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly subjects: SubjectLookup,
    private readonly audiences: AudienceDefinitionsService,
    private readonly views: ProfileViews,
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
    const explained = explainCondition(definition.condition, { ...view, memberships: new Map([...members].map((id) => [id, {}])) });
    return { member: explained.matched, condition: explained };
  }
}
