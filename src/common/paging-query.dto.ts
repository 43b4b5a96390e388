import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

type Constructor<T = object> = new (...args: any[]) => T; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Cursor paging, the same on every paged read (profile events, browsing, audience members). */
export function withPaging<TBase extends Constructor>(Base: TBase) {
  class Paged extends Base {
    @ApiPropertyOptional({ minimum: 1, maximum: 1000, description: 'Page size (default 100; profile browsing: 50)' })
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
  return Paged;
}
