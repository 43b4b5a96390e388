import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IdentityRefDto } from '../../common';
import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';

export class PrivacyRequestDto {
  @ApiProperty({ enum: ['access', 'erase'] })
  @IsIn(['access', 'erase'])
  type!: 'access' | 'erase';

  @ApiProperty({ type: IdentityRefDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => IdentityRefDto)
  identity!: IdentityRefDto;

  @ApiProperty({ enum: ['graph', 'identity'], description: 'graph: every identity in the person’s current graph' })
  @IsIn(['graph', 'identity'])
  scope!: 'graph' | 'identity';

  @ApiPropertyOptional({ description: 'Erase only: keep a salted hash of each erased identity so it is not collected again' })
  @IsOptional()
  @IsBoolean()
  suppress?: boolean;
}

export class PrivacyRequestAcceptedDto {
  @ApiProperty({ description: 'Poll GET /v1/privacy/requests/{requestId}' })
  requestId!: string;
}

export class PrivacyCountsDto {
  @ApiProperty() identities!: number;
  @ApiProperty() records!: number;
  @ApiProperty() events!: number;
  @ApiProperty() links!: number;
}

export class PrivacyRequestStatusDto {
  @ApiProperty() requestId!: string;
  @ApiProperty({ enum: ['access', 'erase'] }) type!: string;
  @ApiProperty({ enum: ['pending', 'running', 'completed', 'failed'] }) status!: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional() completedAt?: string;
  @ApiPropertyOptional({ type: PrivacyCountsDto }) counts?: PrivacyCountsDto;
  @ApiPropertyOptional({ description: 'Access requests: every record, event and link held for the subject, and the profile' })
  export?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Failed requests: why' }) error?: string;
}
