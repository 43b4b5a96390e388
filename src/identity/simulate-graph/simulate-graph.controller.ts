import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiErrors, RequireScope, unprocessable, validateBody } from '../../common';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, Max, Min } from 'class-validator';
import { namespaceSettingsProblems, simulate, type SimulateInput, type SimulateResult } from '../../../projections/identity-graph';
import type { NamespaceSetting } from '../../../projections/model';

export const MAX_SIMULATED_EVENTS = 10_000;

export class SimulateGraphDto {
  @ApiProperty({ description: 'Namespaces in priority order, as in the identity settings', example: [{ code: 'CRMID', type: 'person', unique: true }, { code: 'ECID', type: 'cookie', unique: false }] })
  @IsArray()
  @ArrayMaxSize(200)
  namespaces!: Array<{ code: string; type: string; unique?: boolean }>;

  @ApiProperty({ description: 'Text lines "CRMID: Tom, ECID: 111" (line n has time n) or {identities, timestamp?}', example: ['CRMID: Tom, ECID: 111'] })
  @IsArray()
  @ArrayMaxSize(MAX_SIMULATED_EVENTS)
  events!: unknown[];

  @ApiPropertyOptional({ description: 'Maximum identities per graph', default: 50 })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(10_000)
  graphCap?: number;
}

/** The identity graph rules on a throw-away state: the very fold the projector runs, nothing stored. */
@ApiTags('identity')
@Controller('v1/identity/simulate')
export class SimulateGraphController {
  @Post()
  @HttpCode(200)
  @RequireScope('read')
  @ApiOperation({ summary: 'Simulate the identity graph for given namespaces and events (no persistence)' })
  @ApiBody({ type: SimulateGraphDto })
  @ApiOkResponse({ description: '{graphs, removedLinks, rejected}' })
  @ApiErrors('SETTINGS_INVALID')
  simulate(@Body() body: unknown): SimulateResult {
    const dto = validateBody(SimulateGraphDto, body);
    // Settings written for PUT may leave `unique` out: it means not unique there, so it means the same here.
    const namespaces = dto.namespaces.map((n) => ({ ...n, unique: n?.unique ?? false }));
    const problems = namespaceSettingsProblems(namespaces);
    if (problems.length > 0) {
      throw unprocessable('SETTINGS_INVALID', problems[0], problems.map((message) => ({ path: 'namespaces', message })));
    }
    return simulate({
      namespaces: namespaces as NamespaceSetting[],
      graphCap: dto.graphCap,
      events: dto.events as SimulateInput['events'],
    });
  }
}

@Module({ controllers: [SimulateGraphController] })
export class SimulateGraphModule {}
