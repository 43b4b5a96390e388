import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { nameProblem, validateComputedSpec, type ComputedAttributeSpec } from '../../projections/computed-attributes';
import { ApiErrors, RequireScope, unprocessable, validateBody } from '../common';
import { ComputedAttributeResponseDto, PutComputedAttributeDto, PutComputedAttributeResponseDto } from './computed-attribute.dto';
import { ComputedAttributesService, type ComputedAttributeView } from './computed-attributes.service';

@ApiTags('computed attributes')
@Controller('v1/computed-attributes')
export class ComputedAttributesController {
  constructor(private readonly computed: ComputedAttributesService) {}

  @Get()
  @RequireScope('read')
  @ApiOperation({ summary: 'Every computed attribute with its status and backfill progress' })
  @ApiOkResponse({ type: [ComputedAttributeResponseDto] })
  async list(): Promise<{ items: ComputedAttributeView[] }> {
    return { items: await this.computed.list() };
  }

  @Get(':name')
  @RequireScope('read')
  @ApiOkResponse({ type: ComputedAttributeResponseDto })
  @ApiErrors('COMPUTED_ATTRIBUTE_NOT_FOUND', 'COMPUTED_ATTRIBUTE_INVALID')
  get(@Param('name') name: string): Promise<ComputedAttributeView> {
    return this.computed.get(checkedName(name));
  }

  @Put(':name')
  @HttpCode(200)
  @RequireScope('admin')
  @ApiOperation({ summary: 'Create or change a computed attribute (appends ComputedAttributeSaved; every profile is backfilled)' })
  @ApiBody({ type: PutComputedAttributeDto })
  @ApiOkResponse({ type: PutComputedAttributeResponseDto })
  @ApiErrors('COMPUTED_ATTRIBUTE_INVALID', 'CONDITION_INVALID', 'VALIDATION_FAILED', 'STREAM_REVISION_CONFLICT')
  async put(@Param('name') name: string, @Body() body: unknown): Promise<PutComputedAttributeResponseDto> {
    const checked = checkedName(name);
    validateBody(PutComputedAttributeDto, body);
    const spec = checkedSpec(body);
    const { position } = await this.computed.execute({ type: 'SaveComputedAttribute', name: checked, spec });
    const saved = await this.computed.get(checked);
    return { name: checked, version: saved.version, position: position!, status: saved.status };
  }

  @Delete(':name')
  @RequireScope('admin')
  @ApiErrors('COMPUTED_ATTRIBUTE_NOT_FOUND', 'COMPUTED_ATTRIBUTE_INVALID', 'STREAM_REVISION_CONFLICT')
  async delete(@Param('name') name: string): Promise<{ position: string }> {
    const { position } = await this.computed.execute({ type: 'DeleteComputedAttribute', name: checkedName(name) });
    return { position: position! };
  }
}

function checkedName(name: string): string {
  const problem = nameProblem(name);
  if (problem) throw unprocessable('COMPUTED_ATTRIBUTE_INVALID', `Invalid name: ${problem}`, [{ path: 'name', message: problem }]);
  return name;
}

/** 422 with every fault; the code is CONDITION_INVALID when every fault lies inside `where`. */
function checkedSpec(body: unknown): ComputedAttributeSpec {
  const problems = validateComputedSpec(body);
  if (problems.length === 0) return canonicalSpec(body as ComputedAttributeSpec);
  const code = problems.every((p) => p.code === 'CONDITION_INVALID') ? 'CONDITION_INVALID' : 'COMPUTED_ATTRIBUTE_INVALID';
  const first = problems[0];
  const details = problems.map((p) => ({ path: p.path, code: p.code, message: p.message }));
  throw unprocessable(code, `${first.path ? `${first.path}: ` : ''}${first.message}`, details);
}

/** Only the documented keys, in one order, so an equal definition sent again is recognised as unchanged. */
function canonicalSpec(body: ComputedAttributeSpec): ComputedAttributeSpec {
  const { function: fn, eventType, field, where, window } = body;
  return {
    function: fn,
    ...(eventType === undefined ? {} : { eventType }),
    ...(field === undefined ? {} : { field }),
    ...(where === undefined ? {} : { where }),
    ...(window === undefined ? {} : { window: { last: window.last } }),
  };
}
