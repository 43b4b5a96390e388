import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/**
 * An identity in a request body, shape only: normalisation and the value length limit are the identity rules'
 * (projections/identity-graph/identity-rules.ts: a 422 after trimming), so the shape allows room for whitespace.
 */
export class IdentityRefDto {
  @ApiProperty({ example: 'Email', description: 'A registered namespace code (case-sensitive)' })
  @IsString()
  @Length(1, 64)
  namespace!: string;

  @ApiProperty({ example: 'tom@acme.com', description: 'Normalised like ingestion (trimmed; email lower-cased)' })
  @IsString()
  @Length(1, 4096)
  id!: string;
}
