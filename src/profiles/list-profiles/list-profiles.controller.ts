import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope, validateBody } from '../../common';
import { ListProfilesQueryDto } from '../profile-query.dto';
import { ListProfilesQuery, type ProfilePageBody } from './list-profiles.query';

@ApiTags('profiles')
@Controller('v1/profiles')
export class ListProfilesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'A page of profiles for browsing' })
  list(@Query() raw: unknown): Promise<ProfilePageBody> {
    const params = validateBody(ListProfilesQueryDto, raw);
    return this.queries.execute(new ListProfilesQuery(params.limit ?? 50, params.cursor, params.minPosition));
  }
}
