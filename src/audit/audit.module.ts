import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { LinkRejectionsController } from './link-rejections/link-rejections.controller';
import { LinkRejectionsService } from './link-rejections/link-rejections.service';
import { ReadLogController } from './log/read-log.controller';

/** Operator actions and auditing (scope admin): link rejections and the raw log. */
@Module({
  imports: [IdentityModule],
  controllers: [LinkRejectionsController, ReadLogController],
  providers: [LinkRejectionsService],
})
export class AuditModule {}
