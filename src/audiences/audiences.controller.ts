import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { NAME_PATTERN, type AudienceDefinition } from '../../projections/audiences';
import { badRequest, RequireScope, validateBody } from '../common';
import { AudienceDefinitionsService } from './audience-definitions.service';
import { AudienceResponseDto, AudienceSavedResponseDto, MembersQueryDto, PreviewAudienceDto, PutAudienceDto } from './audience.dto';
import { AudienceMembershipsReader, type AudienceMember } from './audience-memberships.reader';
import { AudienceStatus } from './audience-status';
import { PreviewAudience, type PreviewResult } from './preview-audience.query';

const DEFAULT_SAMPLE = 10;
const DEFAULT_PAGE = 100;

@ApiTags('audiences')
@Controller('v1/audiences')
export class AudiencesController {
  constructor(
    private readonly audiences: AudienceDefinitionsService,
    private readonly status: AudienceStatus,
    private readonly previews: PreviewAudience,
    private readonly memberships: AudienceMembershipsReader,
  ) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'Every audience with its status and size' })
  @ApiOkResponse({ type: [AudienceResponseDto] })
  async list(): Promise<{ items: AudienceResponseDto[] }> {
    const items = await Promise.all((await this.audiences.list()).map((a) => this.body(a)));
    return { items };
  }

  @Post('preview')
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({
    summary: 'The exact number of profiles a condition matches now, and a sample; nothing is stored',
    description:
      'Every profile of the read models is evaluated at the moment of the request, with the operators and the window engine ' +
      'the projector uses (audiences the condition names are evaluated from scratch too), so the cost grows with the number ' +
      'of profiles. `limit` is the sample size, 0..100, default 10; the sample is in profile order.',
  })
  @ApiBody({ type: PreviewAudienceDto })
  @ApiUnprocessableEntityResponse({ description: 'CONDITION_INVALID, with details[].path naming each offending node' })
  preview(@Body() raw: unknown): Promise<PreviewResult> {
    const dto = validateBody(PreviewAudienceDto, raw);
    return this.previews.preview(dto.condition, dto.limit ?? DEFAULT_SAMPLE, Date.now());
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOkResponse({ type: AudienceResponseDto })
  @ApiNotFoundResponse({ description: 'AUDIENCE_NOT_FOUND' })
  async get(@Param('id') id: string): Promise<AudienceResponseDto> {
    return this.body(await this.audiences.get(audienceId(id)));
  }

  @Get(':id/members')
  @RequireScope('read')
  @ApiOperation({
    summary: 'The members now, or at `asOf` (log time), paged by profile',
    description:
      '`enteredAt` is the moment of the entry: the log time of the item, merge, split or definition change that caused ' +
      'it (entries a backfill decides carry the log time of the definition change, whenever the backfill reached the ' +
      'profile), or the moment a window lapsed (the event timestamp plus the window). Members are kept as intervals, so ' +
      '`asOf` answers who was a member then.',
  })
  @ApiNotFoundResponse({ description: 'AUDIENCE_NOT_FOUND' })
  async members(@Param('id') rawId: string, @Query() raw: unknown): Promise<{ items: AudienceMember[]; nextCursor?: string }> {
    const id = audienceId(rawId);
    const query = validateBody(MembersQueryDto, raw);
    const asOf = query.asOf === undefined ? undefined : Date.parse(query.asOf);
    // An audience deleted since asOf still had members then; only today's unknown ids are a 404.
    if (asOf === undefined) await this.audiences.get(id);
    return this.memberships.members(id, query.limit ?? DEFAULT_PAGE, query.cursor, asOf);
  }

  @Put(':id')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Create or replace an audience (appends AudienceSaved); members are backfilled in the background',
    description:
      'Choices where the contract is silent: a condition may only name audiences and identity namespaces that exist ' +
      '(a computed attribute not defined reads as absent); unknown keys in a condition are refused; the id is ' +
      '[A-Za-z][A-Za-z0-9_]{0,63}. `status` is backfilling until every profile was evaluated against this version ' +
      '(GET shows `progress` {done, total}); live items are evaluated meanwhile. The backfill\'s entries and exits carry ' +
      'cause `definition` and the definition change\'s log time.',
  })
  @ApiBody({ type: PutAudienceDto })
  @ApiOkResponse({ type: AudienceSavedResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'CONDITION_INVALID (details[].path per node), AUDIENCE_CYCLE' })
  async put(@Param('id') rawId: string, @Body() raw: unknown): Promise<AudienceSavedResponseDto> {
    const id = audienceId(rawId);
    const dto = validateBody(PutAudienceDto, raw);
    const command = { type: 'SaveAudience' as const, id, name: dto.name, condition: dto.condition };
    const { position, version } = await this.audiences.execute(dto.description === undefined ? command : { ...command, description: dto.description });
    return { id, version: version!, position, status: await this.status.statusOf(id, version!) };
  }

  @Delete(':id')
  @RequireScope('admin')
  @ApiNotFoundResponse({ description: 'AUDIENCE_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ description: 'AUDIENCE_IN_USE: another audience names it' })
  delete(@Param('id') id: string): Promise<{ position: string }> {
    return this.audiences.execute({ type: 'DeleteAudience', id: audienceId(id) });
  }

  private async body(definition: AudienceDefinition): Promise<AudienceResponseDto> {
    const { id, name, description, condition, version, createdAt, updatedAt } = definition;
    const [status, size, progress] = await Promise.all([this.status.statusOf(id, version), this.status.sizeOf(id), this.status.progressOf(id)]);
    return { id, name, description: description ?? '', condition, version, status, size, ...(progress ? { progress } : {}), createdAt, updatedAt };
  }
}

function audienceId(id: string): string {
  if (!NAME_PATTERN.test(id)) throw badRequest('AUDIENCE_ID_INVALID', 'An audience id is [A-Za-z][A-Za-z0-9_]{0,63}');
  return id;
}
