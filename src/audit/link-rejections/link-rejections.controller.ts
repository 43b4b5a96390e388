import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, notFound, RequireScope, validateBody } from '../../common';
import type { LinkRejection } from './link-rejection.decider';
import { LinkRejectionActionResponseDto, LinkRejectionResponseDto, RejectLinkDto } from './link-rejection.dto';
import { LinkRejectionsService } from './link-rejections.service';

const REJECTION_ID = /^[0-9a-f-]{36}$/;

@ApiTags('audit')
@Controller('v1/identity/link-rejections')
export class LinkRejectionsController {
  constructor(private readonly rejections: LinkRejectionsService) {}

  @Post()
  @HttpCode(201)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Declare a link wrong: the graph is re-derived without it; later observations are ignored' })
  @ApiBody({ type: RejectLinkDto })
  @ApiCreatedResponse({ type: LinkRejectionActionResponseDto })
  @ApiErrors('LINK_ALREADY_REJECTED', 'UNKNOWN_NAMESPACE', 'LINK_REJECTION_SAME_IDENTITY', 'IDENTITY_VALUE_BLOCKED', 'IDENTITY_VALUE_TOO_LONG')
  reject(@Body() body: unknown): Promise<LinkRejectionActionResponseDto> {
    const dto = validateBody(RejectLinkDto, body);
    return this.rejections.reject(dto.from, dto.to, dto.reason);
  }

  @Delete(':id')
  @RequireScope('admin')
  @ApiOperation({ summary: 'Withdraw a rejection: the graph is re-derived with the pair allowed again' })
  @ApiOkResponse({ type: LinkRejectionActionResponseDto })
  @ApiErrors('LINK_REJECTION_NOT_FOUND', 'LINK_REJECTION_ALREADY_WITHDRAWN')
  withdraw(@Param('id') id: string): Promise<LinkRejectionActionResponseDto> {
    if (!REJECTION_ID.test(id)) throw notFound('LINK_REJECTION_NOT_FOUND', 'No link rejection has this id');
    return this.rejections.withdraw(id);
  }

  @Get()
  @RequireScope('admin')
  @ApiOperation({ summary: 'Every link rejection in log order, active and withdrawn' })
  @ApiOkResponse({ type: [LinkRejectionResponseDto] })
  async list(): Promise<{ items: LinkRejectionResponseDto[] }> {
    return { items: (await this.rejections.list()).map(toResponse) };
  }
}

function toResponse(r: LinkRejection): LinkRejectionResponseDto {
  return {
    id: r.id,
    from: r.from,
    to: r.to,
    reason: r.reason,
    status: r.withdrawnAt === undefined ? 'active' : 'withdrawn',
    createdAt: new Date(r.createdAt).toISOString(),
    position: r.position,
    ...(r.withdrawnAt === undefined
      ? {}
      : { withdrawnAt: new Date(r.withdrawnAt).toISOString(), withdrawnPosition: r.withdrawnPosition }),
  };
}
