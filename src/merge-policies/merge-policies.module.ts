import { Module } from '@nestjs/common';
import { MergePoliciesController } from './merge-policies.controller';
import { MergePoliciesService } from './merge-policies.service';

/** Merge policies: written by admins, read by the profile queries (exported service). */
@Module({
  controllers: [MergePoliciesController],
  providers: [MergePoliciesService],
  exports: [MergePoliciesService],
})
export class MergePoliciesModule {}
