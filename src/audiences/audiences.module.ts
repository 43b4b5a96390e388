import { Module } from '@nestjs/common';
import { ComputedAttributesModule } from '../computed-attributes';
import { IdentityModule } from '../identity';
import { ProfilesModule } from '../profiles';
import { AudienceDefinitionsService } from './audience-definitions.service';
import { AudienceStatus } from './audience-status';
import { AudienceMembershipsModule } from './audience-memberships.module';
import { AudiencesController } from './audiences.controller';
import { ExplainMembershipController } from './explain-membership.controller';
import { ExplainMembership } from './explain-membership.query';
import { PreviewAudience } from './preview-audience.query';
import { ProfileViews } from './profile-views';

/** Audiences: definitions written by admins (events in the log), preview, explain; read by the projector too. */
@Module({
  imports: [IdentityModule, ProfilesModule, AudienceMembershipsModule, ComputedAttributesModule],
  controllers: [AudiencesController, ExplainMembershipController],
  providers: [AudienceDefinitionsService, AudienceStatus, PreviewAudience, ExplainMembership, ProfileViews],
  exports: [AudienceDefinitionsService],
})
export class AudiencesModule {}
