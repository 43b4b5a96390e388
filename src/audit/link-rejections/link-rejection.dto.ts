import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsString, Length, ValidateNested } from 'class-validator';

export class RejectedIdentityDto {
  @ApiProperty({ example: 'Email', description: 'A registered namespace code (case-sensitive)' })
  @IsString()
  @Length(1, 64)
  namespace!: string;

  @ApiProperty({ example: 'tom@acme.com', description: 'Normalised like ingestion (trimmed; email lower-cased)' })
  @IsString()
  @Length(1, 4096)
  id!: string;
}

export class RejectLinkDto {
  @ApiProperty({ type: RejectedIdentityDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => RejectedIdentityDto)
  from!: RejectedIdentityDto;

  @ApiProperty({ type: RejectedIdentityDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => RejectedIdentityDto)
  to!: RejectedIdentityDto;

  @ApiProperty({ example: 'Shared family tablet, not the same person', minLength: 1, maxLength: 1000 })
  @IsString()
  @Length(1, 1000)
  reason!: string;
}

export class LinkRejectionActionResponseDto {
  @ApiProperty({ description: 'The rejection id (UUID)' })
  id!: string;
  @ApiProperty({ description: 'Log position of the event: pass it as minPosition to read the re-derived graph' })
  position!: string;
}

export class LinkRejectionResponseDto {
  @ApiProperty()
  id!: string;
  @ApiProperty({ type: RejectedIdentityDto })
  from!: RejectedIdentityDto;
  @ApiProperty({ type: RejectedIdentityDto })
  to!: RejectedIdentityDto;
  @ApiProperty()
  reason!: string;
  @ApiProperty({ enum: ['active', 'withdrawn'] })
  status!: 'active' | 'withdrawn';
  @ApiProperty({ description: 'Log time of the rejection, ISO-8601 UTC' })
  createdAt!: string;
  @ApiProperty()
  position!: string;
  @ApiPropertyOptional()
  withdrawnAt?: string;
  @ApiPropertyOptional()
  withdrawnPosition?: string;
}
