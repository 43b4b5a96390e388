import { Module } from '@nestjs/common';
import { AudienceMembershipsReader } from './audience-memberships.reader';

/** Memberships as stored, for the profile reads (which the audiences slice itself reads through: hence its own module). */
@Module({ providers: [AudienceMembershipsReader], exports: [AudienceMembershipsReader] })
export class AudienceMembershipsModule {}
export { AudienceMembershipsReader } from './audience-memberships.reader';
export type { HistoryTransition } from './audience-memberships.reader';
