import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScope, validateBody } from '../../common';
import { asOfTime } from '../as-of-time';
import { ExplainPathQueryDto } from '../profile-query.dto';
import { ExplainGraphPathQuery, type ExplainBody } from './explain-graph-path.query';

@ApiTags('profiles')
@Controller('v1/profiles')
export class ExplainGraphPathController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':namespace/:id/graph/explain')
  @RequireScope('read')
  @ApiOperation({
    summary:
      'Why two identities are one profile: the shortest chain of active links joining them, each with sources, ' +
      'first/last seen and the item that created it (log event id, and the item itself)',
  })
  @ApiErrors('EXPLAIN_TARGET_INVALID', 'PROFILE_NOT_FOUND', 'GRAPH_PATH_NOT_FOUND')
  explain(@Param('namespace') namespace: string, @Param('id') id: string, @Query() raw: unknown): Promise<ExplainBody> {
    const params = validateBody(ExplainPathQueryDto, raw);
    const query = new ExplainGraphPathQuery(namespace, id, {
      to: params.to,
      minPosition: params.minPosition,
      asOf: asOfTime(params.asOf),
    });
    return this.queries.execute(query);
  }
}
