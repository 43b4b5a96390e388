import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScope, validateBody } from '../../common';
import { asOfTime } from '../as-of-time';
import { ProfileReadQueryDto } from '../profile-query.dto';
import { GetProfileGraphQuery, type ProfileGraphBody } from './get-profile-graph.query';

@ApiTags('profiles')
@Controller('v1/profiles')
export class GetProfileGraphController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':namespace/:id/graph')
  @RequireScope('read')
  @ApiOperation({ summary: 'The identity graph: identities, active links with provenance, removed links with reasons' })
  @ApiErrors('PROFILE_NOT_FOUND')
  graph(@Param('namespace') namespace: string, @Param('id') id: string, @Query() raw: unknown): Promise<ProfileGraphBody> {
    const params = validateBody(ProfileReadQueryDto, raw);
    return this.queries.execute(new GetProfileGraphQuery(namespace, id, params.minPosition, asOfTime(params.asOf)));
  }
}
