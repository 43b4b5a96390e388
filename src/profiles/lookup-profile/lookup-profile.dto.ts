import { ApiProperty } from '@nestjs/swagger';
import { IsString, MinLength } from 'class-validator';
import { GetProfileQueryDto } from '../profile-query.dto';

/**
 * The identity of a profile read, in the query instead of the path, beside the path form's own parameters. Lengths
 * are not limited here: the value is normalised and judged by the same rules as a path's (SubjectLookup).
 */
export class LookupProfileQueryDto extends GetProfileQueryDto {
  @ApiProperty({ example: 'Email', description: 'The namespace code (case-sensitive)' })
  @IsString()
  @MinLength(1)
  namespace!: string;

  @ApiProperty({
    example: 'tom@acme.com',
    description: 'The identity value, percent-encoded as a query value (`+` as %2B): URLSearchParams or encodeURIComponent',
  })
  @IsString()
  id!: string;
}
