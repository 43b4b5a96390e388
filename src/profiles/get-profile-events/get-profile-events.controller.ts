import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScope, validateBody } from '../../common';
import { ProfileEventsQueryDto } from '../profile-query.dto';
import { GetProfileEventsQuery, type ProfileEventsBody } from './get-profile-events.query';

@ApiTags('profiles')
@Controller('v1/profiles')
export class GetProfileEventsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':namespace/:id/events')
  @RequireScope('read')
  @ApiOperation({ summary: "The timeline: every event whose primary identity is in this identity's graph now, paged" })
  @ApiErrors('PROFILE_NOT_FOUND')
  events(@Param('namespace') namespace: string, @Param('id') id: string, @Query() raw: unknown): Promise<ProfileEventsBody> {
    const params = validateBody(ProfileEventsQueryDto, raw);
    return this.queries.execute(new GetProfileEventsQuery(namespace, id, params));
  }
}
