import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { withPaging } from '../common';

/** Read-your-writes, on every read. */
class CurrentReadQueryDto {
  @ApiPropertyOptional({ description: 'Wait (at most 5 s, then 503) until the read models have applied this position' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  minPosition?: string;
}

/** Query parameters every read of one profile takes. */
export class ProfileReadQueryDto extends CurrentReadQueryDto {
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

export class ProfileEventsQueryDto extends withPaging(ProfileReadQueryDto) {
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
}

export class ProfileHistoryQueryDto extends withPaging(ProfileReadQueryDto) {}

export class ExplainPathQueryDto extends ProfileReadQueryDto {
  @ApiProperty({ description: 'The other identity, as <namespace>:<id> (the id as ingested; normalised like paths)' })
  @IsString()
  @MaxLength(4200)
  to!: string;
}

/** Browsing has no asOf: a page of profiles is always the current one. */
export class ListProfilesQueryDto extends withPaging(CurrentReadQueryDto) {}
