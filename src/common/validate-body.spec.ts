import 'reflect-metadata';
import fc from 'fast-check';
import * as transformer from 'class-transformer';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EventDto, LinkDto, RecordDto } from '../ingestion/ingestion.dto';
import { GetProfileQueryDto, ProfileEventsQueryDto } from '../profiles/profile-query.dto';
import { AppError } from './app-error';
import { validateBody } from './validate-body';

/**
 * validateBody builds DTO instances without class-transformer where a DTO needs no conversion. It must accept and
 * refuse exactly what plainToInstance + validateSync (the way it was driven before) accept and refuse, with the
 * same details, for any JSON value: compared here on generated hostile bodies.
 */
const OPTIONS = { whitelist: true, forbidUnknownValues: true };

function reference(dto: new () => object, raw: object): string[] {
  const errors = validateSync(plainToInstance(dto, raw), OPTIONS);
  const walk = (es: typeof errors, prefix: string): string[] =>
    es.flatMap((e) => {
      const path = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
      return [...Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`), ...walk(e.children ?? [], path)];
    });
  return walk(errors, '');
}

function outcome(dto: new () => object, raw: object): string[] {
  try {
    validateBody(dto, raw);
    return [];
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') throw error;
    return error.details.map((d) => `${d.path}: ${d.message}`);
  }
}

const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.double({ noNaN: true }));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'id', 'namespace', 'primary'), tie('value'), { maxKeys: 3 })),
})).value;
const identity = fc.oneof(
  fc.record({ namespace: fc.oneof(fc.constantFrom('Email', 'CRMID', ''), leaf), id: fc.oneof(fc.string(), leaf), primary: fc.oneof(fc.boolean(), leaf) }, { requiredKeys: [] }),
  json,
);
const item = fc.record(
  {
    source: fc.oneof(fc.constantFrom('crm', 'web'), json),
    id: fc.oneof(fc.string({ maxLength: 300 }), json),
    type: fc.oneof(fc.constant('pageView'), json),
    timestamp: json,
    identities: fc.oneof(fc.array(identity, { maxLength: 4 }), json),
    data: json,
    attributes: json,
    extra: json,
  },
  { requiredKeys: [] },
);

describe('validateBody', () => {
  it.each([
    ['EventDto', EventDto],
    ['RecordDto', RecordDto],
    ['LinkDto', LinkDto],
  ])('accepts and refuses %s bodies exactly as plainToInstance + validateSync', (_name, dto) => {
    fc.assert(fc.property(item, (raw) => expect(outcome(dto, raw)).toEqual(reference(dto, raw))), { numRuns: 600 });
  });

  it('accepts and refuses query DTOs (one with a Number conversion) exactly as before', () => {
    const query = fc.dictionary(fc.constantFrom('minPosition', 'asOf', 'mergePolicy', 'limit', 'cursor', 'order', 'x'), fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('10', '0', '2024-01-01T00:00:00Z', 'desc')));
    for (const dto of [GetProfileQueryDto, ProfileEventsQueryDto]) {
      fc.assert(fc.property(query, (raw) => expect(outcome(dto, raw)).toEqual(reference(dto, raw))), { numRuns: 300 });
    }
  });

  it('builds ingestion and profile-read DTOs without class-transformer (the hot paths), paged queries with it', () => {
    const spy = jest.spyOn(transformer, 'plainToInstance');
    try {
      validateBody(EventDto, { source: 'web', id: 'e1', type: 'pageView', timestamp: 'x', identities: [{ namespace: 'Email', id: 'a' }] });
      validateBody(GetProfileQueryDto, {});
      expect(spy).not.toHaveBeenCalled();
      validateBody(ProfileEventsQueryDto, { limit: '5' });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('converts a query limit to a number where the DTO says so, and leaves the body untouched', () => {
    expect((validateBody(ProfileEventsQueryDto, { limit: '10' }) as { limit?: unknown }).limit).toBe(10);
    const raw = { source: 'web', id: 'e1', type: 'pageView', timestamp: 'x', identities: [{ namespace: 'Email', id: 'a@b.c', extra: 1 }], data: { a: 1 }, junk: true };
    const dto = validateBody(EventDto, raw);
    expect(dto).toBeInstanceOf(EventDto);
    expect(dto.identities[0]).toEqual({ namespace: 'Email', id: 'a@b.c' });
    expect(dto).not.toHaveProperty('junk');
    expect(raw).toEqual({ source: 'web', id: 'e1', type: 'pageView', timestamp: 'x', identities: [{ namespace: 'Email', id: 'a@b.c', extra: 1 }], data: { a: 1 }, junk: true });
  });
});
