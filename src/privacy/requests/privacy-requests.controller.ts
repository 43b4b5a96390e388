import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, notFound, RequireScope, validateBody } from '../../common';
import { PrivacyRequestAcceptedDto, PrivacyRequestDto, PrivacyRequestStatusDto } from './privacy-request.dto';
import { PrivacyRequestsService } from './privacy-requests.service';

const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@ApiTags('privacy')
@Controller('v1/privacy/requests')
export class PrivacyRequestsController {
  constructor(private readonly requests: PrivacyRequestsService) {}

  @Post()
  @HttpCode(202)
  @RequireScope('privacy')
  @ApiOperation({
    summary: 'Ask for a data subject’s data (access) or erase it (erase); runs in the background, poll its status',
    description:
      'Erasure deletes the subject keys (every personal value of theirs in the log becomes unreadable), removes their ' +
      'streams where the store allows, re-derives the graphs of people linked to them, purges the read models and ' +
      'logs a SubjectErased audit event without personal data.',
  })
  @ApiBody({ type: PrivacyRequestDto })
  @ApiAcceptedResponse({ type: PrivacyRequestAcceptedDto })
  @ApiErrors('UNKNOWN_NAMESPACE', 'PRIVACY_SUPPRESS_NEEDS_ERASE')
  submit(@Body() body: unknown): Promise<PrivacyRequestAcceptedDto> {
    return this.requests.accept(validateBody(PrivacyRequestDto, body));
  }

  @Get(':id')
  @RequireScope('privacy')
  @ApiOperation({ summary: 'Status of a privacy request; a completed access request carries the export' })
  @ApiOkResponse({ type: PrivacyRequestStatusDto })
  @ApiErrors('PRIVACY_REQUEST_NOT_FOUND')
  status(@Param('id') id: string): Promise<PrivacyRequestStatusDto> {
    if (!REQUEST_ID.test(id)) throw notFound('PRIVACY_REQUEST_NOT_FOUND', 'No privacy request has this id');
    return this.requests.status(id);
  }
}
