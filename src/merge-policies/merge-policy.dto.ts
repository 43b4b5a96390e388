import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';

export class AttributeMergeDto {
  @ApiProperty({ enum: ['timestampOrdered', 'sourcePrecedence'] })
  @IsIn(['timestampOrdered', 'sourcePrecedence'])
  type!: 'timestampOrdered' | 'sourcePrecedence';

  @ApiPropertyOptional({ type: [String], example: ['crm', 'loyalty'], description: 'sourcePrecedence: preferred first' })
  @ValidateIf((o: AttributeMergeDto) => o.type === 'sourcePrecedence')
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  order?: string[];
}

export class PutMergePolicyDto {
  @ApiProperty({ type: AttributeMergeDto })
  @ValidateNested()
  @Type(() => AttributeMergeDto)
  attributeMerge!: AttributeMergeDto;

  @ApiProperty({ enum: ['graph', 'none'] })
  @IsIn(['graph', 'none'])
  identityStitching!: 'graph' | 'none';

  @ApiPropertyOptional({ description: 'Make this the default policy (exactly one default at any time)' })
  @IsOptional()
  @IsBoolean()
  default?: boolean;
}

export class MergePolicyResponseDto {
  @ApiProperty({ example: 'default' })
  id!: string;
  @ApiProperty({ type: AttributeMergeDto })
  attributeMerge!: AttributeMergeDto;
  @ApiProperty({ enum: ['graph', 'none'] })
  identityStitching!: 'graph' | 'none';
  @ApiProperty()
  default!: boolean;
}
