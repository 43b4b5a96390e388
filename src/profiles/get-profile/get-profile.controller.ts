import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScope, validateBody } from '../../common';
import { asOfTime } from '../as-of-time';
import { GetProfileQueryDto } from '../profile-query.dto';
import { GetProfileJsonQuery, GetProfileQuery } from './get-profile.query';

/** The read a `GET /v1/profiles/{namespace}/{id}` asks for, its query validated (here and in profile-read-routes.ts). */
export function profileReadByPath(namespace: string, id: string, raw: unknown): GetProfileQuery {
  const params = validateBody(GetProfileQueryDto, raw);
  return new GetProfileQuery(namespace, id, params.mergePolicy, params.minPosition, asOfTime(params.asOf));
}

/**
 * The route as OpenAPI describes it and as Nest would run it. Fastify runs GETs through profile-read-routes.ts
 * instead, with the same reads, checks and answers: this handler serves HEAD.
 */
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
    return this.queries.execute(new GetProfileJsonQuery(profileReadByPath(namespace, id, raw)));
  }
}
