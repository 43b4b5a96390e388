import { Module } from '@nestjs/common';
import { ComputedAttributesModule } from '../computed-attributes';
import { AudienceMembershipsModule } from '../audiences/audience-memberships.module';
import { IdentityModule } from '../identity/identity.module';
import { MergePoliciesModule } from '../merge-policies/merge-policies.module';
import { ExplainGraphPathController } from './explain-graph-path/explain-graph-path.controller';
import { ExplainGraphPathHandler } from './explain-graph-path/explain-graph-path.query';
import { GetProfileEventsController } from './get-profile-events/get-profile-events.controller';
import { GetProfileEventsHandler } from './get-profile-events/get-profile-events.query';
import { GetProfileHistoryController } from './get-profile-history/get-profile-history.controller';
import { GetProfileHistoryHandler } from './get-profile-history/get-profile-history.query';
import { GetProfileGraphController } from './get-profile-graph/get-profile-graph.controller';
import { GetProfileGraphHandler } from './get-profile-graph/get-profile-graph.query';
import { GetProfileController } from './get-profile/get-profile.controller';
import { GetProfileHandler, GetProfileJsonHandler } from './get-profile/get-profile.query';
import { ListProfilesController } from './list-profiles/list-profiles.controller';
import { ListProfilesHandler } from './list-profiles/list-profiles.query';
import { LookupProfileController } from './lookup-profile/lookup-profile.controller';
import { AsOfReader } from './as-of/as-of-reader';
import { SubjectLookup } from './subject-lookup';

/** Profile reads: query handlers on the QueryBus over the read models (READ_STORE, from ProjectorModule). */
@Module({
  imports: [IdentityModule, MergePoliciesModule, ComputedAttributesModule, AudienceMembershipsModule],
  controllers: [
    ListProfilesController,
    GetProfileController,
    LookupProfileController,
    GetProfileEventsController,
    GetProfileGraphController,
    GetProfileHistoryController,
    ExplainGraphPathController,
  ],
  providers: [
    AsOfReader,
    SubjectLookup,
    GetProfileHandler,
    GetProfileJsonHandler,
    GetProfileEventsHandler,
    GetProfileGraphHandler,
    GetProfileHistoryHandler,
    ExplainGraphPathHandler,
    ListProfilesHandler,
  ],
  exports: [SubjectLookup, AsOfReader],
})
export class ProfilesModule {}
