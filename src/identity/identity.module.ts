import { Module } from '@nestjs/common';
import { ChangeIdentitySettingsHandler } from './change-identity-settings.command';
import { IdentitySettingsController } from './identity-settings.controller';
import { IdentitySettingsService } from './identity-settings.service';

/** The identity settings slice. Exports IdentitySettingsService for ingestion, queries and the projector. */
@Module({
  controllers: [IdentitySettingsController],
  providers: [IdentitySettingsService, ChangeIdentitySettingsHandler],
  exports: [IdentitySettingsService],
})
export class IdentityModule {}
