import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { withPaging } from '../common';

const CONDITION_DOC =
  'A condition (API.md "Conditions"): attribute, computed, identity, event (with window and count), audience, and/or/not';

export class PutAudienceDto {
  @ApiProperty({ example: 'Recent buyers in Basel' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  /** Checked node by node by the audience core (422 CONDITION_INVALID), not by class-validator. */
  @ApiProperty({ description: CONDITION_DOC, type: Object, example: { event: { type: 'purchase' }, window: { last: '30d' } } })
  @IsDefined()
  condition!: unknown;
}

export class PreviewAudienceDto {
  @ApiProperty({ description: CONDITION_DOC, type: Object })
  @IsDefined()
  condition!: unknown;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'Sample size (default 10)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  limit?: number;
}

export class MembersQueryDto extends withPaging(class {}) {
  @ApiPropertyOptional({ description: 'The members at this moment (log time), ISO-8601 with zone' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: 'asOf must carry a zone' })
  asOf?: string;
}

export class AudienceSavedResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
  @ApiProperty() position!: string;
  @ApiProperty({ enum: ['backfilling', 'ready'] }) status!: 'backfilling' | 'ready';
}

export class AudienceResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ type: Object }) condition!: unknown;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['backfilling', 'ready'] }) status!: 'backfilling' | 'ready';
  @ApiProperty({ description: 'The number of members now' }) size!: number;
  @ApiPropertyOptional({ description: 'Backfill progress over the profiles: {done, total}' }) progress?: { done: number; total: number };
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class ExplainQueryDto {
  @ApiPropertyOptional({ description: 'Wait (at most 5 s, then 503) until the read models have applied this position' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  minPosition?: string;

  @ApiPropertyOptional({
    description:
      'Explain as the service knew the profile at this moment (log time), ISO-8601 with zone: the definition then in force, ' +
      'the profile then, windows evaluated with now = asOf; member and enteredAt are the stored membership at that moment',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: 'asOf must carry a zone' })
  asOf?: string;
}
