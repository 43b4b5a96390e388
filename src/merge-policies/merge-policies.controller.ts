import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, badRequest, RequireScope, validateBody } from '../common';
import type { AttributeMerge } from '../events';
import { MergePoliciesService } from './merge-policies.service';
import type { MergePolicy } from './merge-policy.decider';
import { MergePolicyResponseDto, PutMergePolicyDto } from './merge-policy.dto';

const POLICY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

@ApiTags('merge policies')
@Controller('v1/merge-policies')
export class MergePoliciesController {
  constructor(private readonly policies: MergePoliciesService) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'Every merge policy; exactly one is the default' })
  @ApiOkResponse({ type: [MergePolicyResponseDto] })
  async list(): Promise<{ items: MergePolicy[] }> {
    return { items: await this.policies.list() };
  }

  @Get(':id')
  @RequireScope('read')
  @ApiOkResponse({ type: MergePolicyResponseDto })
  @ApiErrors('MERGE_POLICY_NOT_FOUND')
  get(@Param('id') id: string): Promise<MergePolicy> {
    return this.policies.get(policyId(id));
  }

  @Put(':id')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Create or replace a merge policy (appends MergePolicySaved)' })
  @ApiBody({ type: PutMergePolicyDto })
  @ApiErrors('MERGE_POLICY_DEFAULT_REQUIRED')
  async put(@Param('id') id: string, @Body() body: unknown): Promise<MergePolicy & { position: string }> {
    const dto = validateBody(PutMergePolicyDto, body);
    const attributeMerge: AttributeMerge =
      dto.attributeMerge.type === 'sourcePrecedence'
        ? { type: 'sourcePrecedence', order: dto.attributeMerge.order ?? [] }
        : { type: 'timestampOrdered' };
    const policy = { id: policyId(id), attributeMerge, identityStitching: dto.identityStitching, default: dto.default };
    const { position } = await this.policies.execute({ type: 'SaveMergePolicy', policy });
    return { ...(await this.policies.get(policy.id)), position };
  }

  @Delete(':id')
  @RequireScope('admin')
  @ApiErrors('MERGE_POLICY_DEFAULT_REQUIRED', 'MERGE_POLICY_NOT_FOUND')
  async delete(@Param('id') id: string): Promise<{ position: string }> {
    return this.policies.execute({ type: 'DeleteMergePolicy', policyId: policyId(id) });
  }
}

function policyId(id: string): string {
  if (!POLICY_ID.test(id)) throw badRequest('MERGE_POLICY_ID_INVALID', 'A policy id is 1-64 of [A-Za-z0-9_.-]');
  return id;
}
