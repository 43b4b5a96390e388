import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { NAMESPACE_TYPES } from '../../projections/model';
import { MAX_NAMESPACES } from './identity-settings.decider';

/** Shapes only: the rules (code syntax, unique-capable types, duplicates) are the decider's, as 422s. */
export class NamespaceSettingDto {
  @ApiProperty({ example: 'CRMID', description: 'Case-sensitive code, [A-Za-z][A-Za-z0-9_.-]{0,63}' })
  @IsString()
  @MaxLength(64)
  code!: string;

  @ApiProperty({ enum: NAMESPACE_TYPES, example: 'person' })
  @IsString()
  type!: string;

  @ApiPropertyOptional({ description: 'At most one identity of this namespace per graph; person, email, phone only' })
  @IsOptional()
  @IsBoolean()
  unique?: boolean;
}

export class PutIdentitySettingsDto {
  @ApiProperty({ type: [NamespaceSettingDto], description: 'In priority order: the first is the highest' })
  @IsArray()
  @ArrayMaxSize(MAX_NAMESPACES)
  @ValidateNested({ each: true })
  @Type(() => NamespaceSettingDto)
  namespaces!: NamespaceSettingDto[];

  @ApiPropertyOptional({ description: 'Maximum identities per graph (2..10000); unchanged when absent', example: 50 })
  @IsOptional()
  @IsInt()
  graphCap?: number;
}

export class IdentitySettingsResponseDto {
  @ApiProperty({ type: [NamespaceSettingDto] })
  namespaces!: NamespaceSettingDto[];
  @ApiProperty({ example: 50 })
  graphCap!: number;
  @ApiProperty({ example: 0, description: '0 for the defaults of a fresh store, +1 per change' })
  version!: number;
}

export class SettingsChangedResponseDto {
  @ApiProperty({ example: 1 })
  version!: number;
  @ApiProperty({ example: '42', description: 'Log position of the change' })
  position!: string;
}
