import { Controller, Get, Header, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScope, validateBody } from '../../common';
import { asOfTime } from '../as-of-time';
import { GetProfileJsonQuery, GetProfileQuery } from '../get-profile/get-profile.query';
import { LookupProfileQueryDto } from './lookup-profile.dto';

/** The read a `GET /v1/profiles/lookup?namespace&id` asks for, its query validated (here and in profile-read-routes.ts). */
export function profileReadByQuery(raw: unknown): GetProfileQuery {
  const { namespace, id, mergePolicy, minPosition, asOf } = validateBody(LookupProfileQueryDto, raw);
  return new GetProfileQuery(namespace, id, mergePolicy, minPosition, asOfTime(asOf));
}

/**
 * `GET /v1/profiles/lookup?namespace&id`: the path form's read (the same query, so the same answers and parameters)
 * for values no path can carry: `.` and `..` (URL parsers remove dot segments) or any value a client would rather
 * not put in a path. The static segment cannot meet the path form: that one has two segments after /profiles, so
 * a namespace called `lookup` is still read by path (`/v1/profiles/lookup/{id}`). Fastify runs GETs through
 * profile-read-routes.ts, with the same reads, checks and answers: this handler serves HEAD.
 */
@ApiTags('profiles')
@Controller('v1/profiles')
export class LookupProfileController {
  constructor(private readonly queries: QueryBus) {}

  @Get('lookup')
  @RequireScope('read')
  // The body is JSON text already (GetProfileJsonQuery): fastify sends a string with a JSON type as it is.
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'The unified profile of an identity named in the query: the same answers as GET /v1/profiles/{namespace}/{id}' })
  @ApiErrors('VALIDATION_FAILED', 'IDENTITY_INVALID', 'POSITION_INVALID', 'PROFILE_NOT_FOUND', 'MERGE_POLICY_NOT_FOUND', 'AS_OF_TOO_LARGE', 'READ_MODEL_STALE')
  lookup(@Query() raw: unknown): Promise<string> {
    return this.queries.execute(new GetProfileJsonQuery(profileReadByQuery(raw)));
  }
}
