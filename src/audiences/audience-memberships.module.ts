import { Module } from '@nestjs/common';
import { AudienceMembershipsReader } from './audience-memberships.reader';
import { HistoryLapsesReader } from './history-lapses.reader';

/** Memberships as stored and the history's window lapses, for the profile reads (which the audiences slice itself reads through: hence its own module). */
@Module({ providers: [AudienceMembershipsReader, HistoryLapsesReader], exports: [AudienceMembershipsReader, HistoryLapsesReader] })
export class AudienceMembershipsModule {}
export { AudienceMembershipsReader } from './audience-memberships.reader';
export type { DefinitionChange, HistoryTransition } from './audience-memberships.reader';
export { HistoryLapsesReader, type HistoryLapse } from './history-lapses.reader';
