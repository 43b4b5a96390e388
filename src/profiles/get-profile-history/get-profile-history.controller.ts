import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScope, validateBody } from '../../common';
import { asOfTime } from '../as-of-time';
import { ProfileHistoryQueryDto } from '../profile-query.dto';
import { GetProfileHistoryQuery, type ProfileHistoryBody } from './get-profile-history.query';

@ApiTags('profiles')
@Controller('v1/profiles')
export class GetProfileHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':namespace/:id/history')
  @RequireScope('read')
  @ApiOperation({
    summary:
      'The log events that shaped this profile, oldest first, each with what it changed: attribute leaves (before, after), ' +
      'links added, removed (with the rule: UNIQUE_NAMESPACE_CONFLICT, GRAPH_CAP, LINK_REJECTED) or restored, identities ' +
      'that joined or left the graph; settings changes and link rejections that changed this graph; computed values ' +
      '(changes.computed: name, before, after) and audience entries/exits (changes.audiences: id, kind, at, cause). ' +
      'A window lapse (an event leaving its window, no new event) is an entry of its own, kind windowLapse, without ' +
      'eventId: recordedAt is the lapse moment (event timestamp + window, to the millisecond), position the last log ' +
      'entry before it; derived from the log and the definitions, so equal on every reading and after a rebuild. ' +
      'Lapses are listed up to asOf, or up to the moment of the request. An audience definition change that moved the ' +
      'profile (a backfill, a deleted audience), or a computed attribute definition whose backfill moved it, is an entry ' +
      'of kind audienceDefinition at its own position and log time, ' +
      'with changes.audiences. Paged by log position.',
  })
  @ApiErrors('PROFILE_NOT_FOUND', 'AS_OF_TOO_LARGE')
  history(@Param('namespace') namespace: string, @Param('id') id: string, @Query() raw: unknown): Promise<ProfileHistoryBody> {
    const params = validateBody(ProfileHistoryQueryDto, raw);
    const query = new GetProfileHistoryQuery(namespace, id, {
      minPosition: params.minPosition,
      asOf: asOfTime(params.asOf),
      limit: params.limit ?? 100,
      cursor: params.cursor,
    });
    return this.queries.execute(query);
  }
}
