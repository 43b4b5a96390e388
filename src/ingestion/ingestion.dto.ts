import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { MAX_IDENTITY_VALUE_LENGTH } from '../../projections/identity-graph';
import { ITEM_KINDS } from './item-rules';

/**
 * Shapes of the ingestion bodies. Only shapes live here (a wrong type or a missing field is a 400): the rules of
 * API.md (namespaces, blocked values, limits, timestamps) are item-rules.ts, and give 422s. `timestamp` is @Allow
 * because a present-but-unparseable timestamp is a rule violation (422), not a shape error.
 */
export class IdentityInputDto {
  @ApiProperty({ example: 'Email', description: 'A registered namespace code (case-sensitive)' })
  @IsString()
  @Length(1, 64)
  namespace!: string;

  @ApiProperty({ example: 'tom@acme.com', description: `Trimmed; lower-cased for email-type namespaces; ≤ ${MAX_IDENTITY_VALUE_LENGTH} chars` })
  @IsString()
  id!: string;

  @ApiPropertyOptional({ description: 'Records only: this identity is the primary one' })
  @IsOptional()
  @IsBoolean()
  primary?: boolean;
}

class ItemDto {
  @ApiProperty({ example: 'crm', description: 'The sending system; (source, id) is the idempotency key' })
  @IsString()
  @Length(1, 256)
  source!: string;

  @ApiProperty({ type: [IdentityInputDto], description: 'At most 20; all identities of one item are linked pairwise' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IdentityInputDto)
  identities!: IdentityInputDto[];
}

export class RecordDto extends ItemDto {
  @ApiPropertyOptional({ example: 'crm-42', description: 'Idempotency key; generated when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  id?: string;

  @ApiPropertyOptional({ example: '2024-05-01T12:00:00Z', description: 'When the source observed the values (default: now)' })
  @Allow()
  timestamp?: unknown;

  @ApiProperty({ example: { firstName: 'Tom', address: { city: 'Basel' } } })
  @IsObject()
  attributes!: Record<string, unknown>;
}

export class EventDto extends ItemDto {
  @ApiProperty({ example: 'evt-1', description: 'Idempotency key' })
  @IsString()
  @Length(1, 256)
  id!: string;

  @ApiProperty({ example: 'pageView' })
  @IsString()
  @Length(1, 256)
  type!: string;

  @ApiProperty({ example: '2024-05-01T12:00:00Z', description: 'ISO-8601 with a zone' })
  @Allow()
  timestamp!: unknown;

  @ApiPropertyOptional({ example: { url: '/pricing' } })
  @IsOptional()
  @IsObject()
  data?: Record<string, unknown>;
}

export class LinkDto extends ItemDto {
  @ApiPropertyOptional({ description: 'Idempotency key; generated when absent' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  id?: string;

  @ApiPropertyOptional({ example: '2024-05-01T12:00:00Z', description: 'When the identities were seen together (default: now)' })
  @Allow()
  timestamp?: unknown;
}

export class BatchItemKindDto {
  @ApiProperty({ enum: ITEM_KINDS })
  @IsIn(ITEM_KINDS as string[])
  kind!: string;
}

export class ErrorDetailDto {
  @ApiPropertyOptional() path?: string;
  @ApiPropertyOptional() code?: string;
  @ApiProperty() message!: string;
}

export class ErrorDto {
  @ApiProperty({ example: 'UNKNOWN_NAMESPACE' }) code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: [ErrorDetailDto] }) details!: ErrorDetailDto[];
}

export class ErrorResponseDto {
  @ApiProperty({ type: ErrorDto }) error!: ErrorDto;
}

export class AcceptedDto {
  @ApiProperty({ example: 'crm-42' }) id!: string;
  @ApiProperty({ example: '42', description: 'Log position (the original one for a duplicate)' }) position!: string;
  @ApiPropertyOptional({ description: 'Already stored: acknowledged, not stored twice' }) duplicate?: boolean;
  @ApiPropertyOptional({ type: [ErrorDetailDto], description: 'e.g. BLOCKED_VALUE_DROPPED' }) warnings?: ErrorDetailDto[];
}

export class BatchItemResultDto extends AcceptedDto {
  @ApiProperty({ example: 0 }) index!: number;
  @ApiProperty({ example: 202, description: '202 accepted (or duplicate), else the status the item alone would get' })
  status!: number;
  @ApiPropertyOptional({ type: ErrorDto }) error?: ErrorDto;
}

export class BatchResponseDto {
  @ApiProperty({ type: [BatchItemResultDto] }) results!: BatchItemResultDto[];
}
