import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScope, validateBody } from '../../common';
import { asOfTime } from '../as-of-time';
import { GetProfileQueryDto } from '../profile-query.dto';
import { GetProfileJsonQuery, GetProfileQuery } from './get-profile.query';

@ApiTags('profiles')
@Controller('v1/profiles')
export class GetProfileController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':namespace/:id')
  @RequireScope('read')
  // The body is JSON text already (GetProfileJsonQuery): fastify sends a string with a JSON type as it is.
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'The unified profile of the graph this identity belongs to (id percent-encoded)' })
  @ApiErrors('PROFILE_NOT_FOUND', 'READ_MODEL_STALE', 'AS_OF_TOO_LARGE')
  get(@Param('namespace') namespace: string, @Param('id') id: string, @Query() raw: unknown): Promise<string> {
    const params = validateBody(GetProfileQueryDto, raw);
    const query = new GetProfileQuery(namespace, id, params.mergePolicy, params.minPosition, asOfTime(params.asOf));
    return this.queries.execute(new GetProfileJsonQuery(query));
  }
}
