import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional } from 'class-validator';
import { COMPUTED_FUNCTIONS, type ComputedFunction } from '../../projections/computed-attributes';

/**
 * The PUT body's shape for the OpenAPI description; class-validator (validateBody) refuses what is not a JSON object,
 * prototype keys and excessive nesting. The rules (a known function, a field for every function but count, a valid
 * duration, a valid `where`) are checked by validateComputedSpec in the pure core, which answers 422 with each
 * fault's path: class-validator's messages could not say `where.and[1].op`.
 */
export class WindowDto {
  @ApiProperty({ example: '30d', description: 'An integer and a unit s, m, h or d; at most 3650d' })
  @Allow()
  last!: string;
}

export class PutComputedAttributeDto {
  @ApiProperty({ enum: COMPUTED_FUNCTIONS })
  @Allow()
  function!: ComputedFunction;

  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'purchase' })
  @IsOptional()
  @Allow()
  eventType?: string | string[];

  @ApiPropertyOptional({ example: 'order.total', description: "Path in the event's data; every function but count needs it" })
  @IsOptional()
  @Allow()
  field?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'A data condition (API.md "Conditions")', example: { field: 'currency', op: 'eq', value: 'CHF' } })
  @IsOptional()
  @Allow()
  where?: Record<string, unknown>;

  @ApiPropertyOptional({ type: WindowDto })
  @IsOptional()
  @Allow()
  window?: WindowDto;
}

export class ComputedProgressDto {
  @ApiProperty({ description: 'Profiles computed for this version so far' })
  done!: number;
  @ApiProperty({ description: 'Profiles to compute (the store at the time the backfill started)' })
  total!: number;
  @ApiProperty({ description: 'done / total, 1 when there is nothing to compute', example: 0.42 })
  ratio!: number;
}

export class ComputedAttributeResponseDto extends PutComputedAttributeDto {
  @ApiProperty({ example: 'purchases30d' })
  name!: string;
  @ApiProperty({ example: 1 })
  version!: number;
  @ApiProperty({ enum: ['backfilling', 'ready'] })
  status!: 'backfilling' | 'ready';
  @ApiProperty({ type: ComputedProgressDto })
  progress!: ComputedProgressDto;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty()
  updatedAt!: string;
}

export class PutComputedAttributeResponseDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
  @ApiProperty() position!: string;
  @ApiProperty({ enum: ['backfilling', 'ready'] }) status!: 'backfilling' | 'ready';
}
