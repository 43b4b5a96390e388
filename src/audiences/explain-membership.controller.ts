import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NAME_PATTERN } from '../../projections/audiences';
import { badRequest, RequireScope, validateBody } from '../common';
import { ExplainQueryDto } from './audience.dto';
import { ExplainMembership, type MembershipExplanation } from './explain-membership.query';

@ApiTags('audiences')
@Controller('v1/profiles')
export class ExplainMembershipController {
  constructor(private readonly explanations: ExplainMembership) {}

  @Get(':namespace/:id/audiences/:audienceId/explain')
  @RequireScope('read')
  @ApiOperation({
    summary: 'Why a profile is or is not in an audience: every node matched or not, with its evidence',
    description:
      '`member` and `enteredAt` are the stored membership (what the profile body and the member list show); `condition` ' +
      'is the definition evaluated at the request (or at `asOf`), each node with `matched` and `evidence`: attribute ' +
      '{value, records: [{path, source, timestamp, recordId}]}, computed {value}, identity {identities}, event ' +
      '{count, eventIds (the counted events\' item ids, newest first)}, audience {member, enteredAt?}. With `asOf` ' +
      '(log time, ISO-8601 with zone) the definition then in force, the profile as folded from the log before that ' +
      'moment, windows at now = asOf, and the membership stored for that moment; AUDIENCE_NOT_FOUND when the audience ' +
      'was not defined then.',
  })
  @ApiNotFoundResponse({ description: 'PROFILE_NOT_FOUND, AUDIENCE_NOT_FOUND' })
  explain(
    @Param('namespace') namespace: string,
    @Param('id') id: string,
    @Param('audienceId') audienceId: string,
    @Query() raw: unknown,
  ): Promise<MembershipExplanation> {
    if (!NAME_PATTERN.test(audienceId)) throw badRequest('AUDIENCE_ID_INVALID', 'An audience id is [A-Za-z][A-Za-z0-9_]{0,63}');
    const query = validateBody(ExplainQueryDto, raw);
    return this.explanations.explain(namespace, id, audienceId, query.minPosition, Date.now(), query.asOf === undefined ? undefined : Date.parse(query.asOf));
  }
}
