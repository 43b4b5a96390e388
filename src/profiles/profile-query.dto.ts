import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** Query parameters every profile read takes. */
export class ProfileReadQueryDto {
  @ApiPropertyOptional({ description: 'Wait (at most 5 s, then 503) until the read models have applied this position' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  minPosition?: string;

  @ApiPropertyOptional({ description: 'The state as the service knew it at this moment (log time), ISO-8601 with zone' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: 'asOf must carry a zone' })
  asOf?: string;
}

export class GetProfileQueryDto extends ProfileReadQueryDto {
  @ApiPropertyOptional({ description: 'A merge policy id; the default policy when absent' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  mergePolicy?: string;
}

export class ProfileEventsQueryDto extends ProfileReadQueryDto {
  @ApiPropertyOptional({ description: 'Events at or after this time (ISO-8601 with zone)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Events before this time (ISO-8601 with zone)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ description: 'Only these event types, comma-separated' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  type?: string;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc' })
  @IsOptional()
  @IsIn(['desc', 'asc'])
  order?: 'desc' | 'asc';

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;
}

export class ProfileHistoryQueryDto extends ProfileReadQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;
}

export class ExplainPathQueryDto extends ProfileReadQueryDto {
  @ApiProperty({ description: 'The other identity, as <namespace>:<id> (the id as ingested; normalised like paths)' })
  @IsString()
  @MaxLength(4200)
  to!: string;
}

export class ListProfilesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  minPosition?: string;
}
