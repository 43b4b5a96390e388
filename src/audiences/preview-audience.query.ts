import { Inject, Injectable } from '@nestjs/common';
import {
  evaluateAll,
  evaluateCondition,
  reachableAudiences,
  validateCondition,
  type AudienceDefinitions,
} from '../../projections/audiences';
import type { Condition } from '../../projections/conditions';
import type { IdentityRef } from '../../projections/model';
import { unprocessable } from '../common';
import { IdentitySettingsService } from '../identity';
import { READ_STORE, type ReadStore } from '../read-store/read-store.port';
import { AudienceDefinitionsService } from './audience-definitions.service';
import { ProfileViews } from './profile-views';

export interface PreviewResult {
  size: number;
  sample: Array<{ profileId: string; primaryIdentity: IdentityRef | null }>;
}

const PAGE = 1000;

/**
 * POST /v1/audiences/preview: the exact number of profiles that match a condition now, and a sample. Every profile
 * of the read models is evaluated (with the audiences the condition names, evaluated from scratch too); nothing is
 * stored and no event is appended.
 */
@Injectable()
export class PreviewAudience {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly audiences: AudienceDefinitionsService,
    private readonly settings: IdentitySettingsService,
    private readonly views: ProfileViews,
  ) {}

  async preview(raw: unknown, limit: number, now: number): Promise<PreviewResult> {
    const definitions = await this.audiences.definitions();
    const condition = this.validated(raw, definitions);
    const reached = reachableAudiences(definitions, condition);
    const conditions = [condition, ...reached.map((id) => definitions.byId.get(id)!.condition)];
    const only = new Set(reached);
    const result: PreviewResult = { size: 0, sample: [] };
    let cursor: string | undefined;
    do {
      const page = await this.store.listProfiles({ limit: PAGE, cursor });
      for (const profile of page.items) {
        const view = await this.views.viewOf(profile, conditions, now);
        const members = reached.length > 0 ? evaluateAll(definitions, view, only) : new Set<string>();
        if (!evaluateCondition(condition, view, members)) continue;
        result.size++;
        if (result.sample.length < limit) result.sample.push(sampleOf(profile.doc));
      }
      cursor = page.nextCursor;
    } while (cursor);
    return result;
  }

  private validated(raw: unknown, definitions: AudienceDefinitions): Condition {
    const namespaces = new Set(this.settings.current().settings.namespaces.map((n) => n.code));
    const problems = validateCondition(raw, { namespaces, audiences: new Set(definitions.byId.keys()) });
    if (problems.length > 0) {
      const details = problems.map((p) => ({ ...p, code: 'CONDITION_INVALID' }));
      throw unprocessable('CONDITION_INVALID', `${problems[0]!.path}: ${problems[0]!.message}`, details);
    }
    return raw as Condition;
  }
}

function sampleOf(doc: Record<string, unknown>): PreviewResult['sample'][number] {
  return { profileId: String(doc.profileId), primaryIdentity: (doc.primaryIdentity as IdentityRef | null | undefined) ?? null };
}
