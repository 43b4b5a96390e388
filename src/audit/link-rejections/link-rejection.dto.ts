import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IdentityRefDto } from '../../common';
import { IsDefined, IsString, Length, ValidateNested } from 'class-validator';

export class RejectLinkDto {
  @ApiProperty({ type: IdentityRefDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => IdentityRefDto)
  from!: IdentityRefDto;

  @ApiProperty({ type: IdentityRefDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => IdentityRefDto)
  to!: IdentityRefDto;

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
  @ApiProperty({ type: IdentityRefDto })
  from!: IdentityRefDto;
  @ApiProperty({ type: IdentityRefDto })
  to!: IdentityRefDto;
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
