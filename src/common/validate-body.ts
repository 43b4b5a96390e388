import { ClassConstructor, plainToInstance } from 'class-transformer';
import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, validateSync, ValidationError } from 'class-validator';
import { badRequest, ErrorDetail } from './app-error';
import { checkPayload } from './payload-rules';

/**
 * Validates a parsed JSON body against a class-validator DTO. Prototype keys and excessive nesting are refused
 * first, before anything copies the body. Shape errors (wrong type, missing field) are 400 VALIDATION_FAILED with
 * one detail per violated constraint.
 *
 * class-validator validates every body; what is cached is how it is driven, because on the ingest and lookup paths
 * the driving cost more than the checks (profile: class-transformer deep-copied every event's `data` into a fresh
 * object only to be discarded, and class-validator re-collected each class's metadata, inherited ones included,
 * on every call):
 * - a DTO whose class-transformer metadata is only nested classes (`@Type(() => SomeDto)`) gets its instance built
 *   by a shape compiled once: the body's own keys copied onto a new instance, nested values turned into instances
 *   of their class exactly where class-transformer would (objects, arrays of them), everything else by reference.
 *   A DTO with a conversion (`@Type(() => Number)`, @Transform, @Expose, @Exclude) keeps plainToInstance;
 * - class-validator's metadata lookups are memoised per class until a decorator adds metadata.
 */
const OPTIONS = { whitelist: true, forbidUnknownValues: true };

export function validateBody<T extends object>(dto: ClassConstructor<T>, raw: unknown, walked = false): T {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest('VALIDATION_FAILED', 'The body must be a JSON object');
  }
  // `walked`: the caller has just refused prototype keys and nesting itself (ingested items: checkItemPayload).
  if (!walked) checkPayload(raw, '', { strictKeys: false });
  const shape = shapeOf(dto);
  const instance = shape ? (build(shape, raw as Record<string, unknown>) as T) : plainToInstance(dto, raw);
  const errors = validateSync(instance, OPTIONS);
  if (errors.length > 0) {
    const details = flatten(errors, '');
    throw badRequest('VALIDATION_FAILED', details[0]?.message ?? 'The body does not match the schema', details);
  }
  return instance;
}

function flatten(errors: ValidationError[], prefix: string): ErrorDetail[] {
  return errors.flatMap((e) => {
    const path = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ path, code: 'VALIDATION_FAILED', message }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** How to build an instance of one DTO class from plain JSON: which keys hold nested DTOs. */
interface Shape {
  ctor: new () => object;
  nested: Map<string, Shape>;
}

// class-transformer's own metadata singleton (the one its decorators write to); not re-exported by its index.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadata };
const shapes = new Map<Function, Shape | null>();
const CONVERSIONS = new Set<unknown>([String, Number, Boolean, Date, Object, Array, Map, Set, Promise]);

/** null: this DTO (or one nested in it) needs class-transformer's conversions. */
function shapeOf(dto: Function, seen = new Set<Function>()): Shape | null {
  const known = shapes.get(dto);
  if (known !== undefined) return known;
  if (seen.has(dto)) return null;
  seen.add(dto);
  const shape = compile(dto, seen);
  shapes.set(dto, shape);
  return shape;
}

function compile(dto: Function, seen: Set<Function>): Shape | null {
  const store = defaultMetadataStorage;
  if (store.getStrategy(dto) !== 'none' || store.getExposedMetadatas(dto).length > 0 || store.getExcludedMetadatas(dto).length > 0) return null;
  const nested = new Map<string, Shape>();
  const properties = new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false).map((m) => m.propertyName));
  for (const property of properties) {
    if (store.findTransformMetadatas(dto, property, 0).length > 0 || store.findTransformMetadatas(dto, property, 2).length > 0) return null;
    const type = store.findTypeMetadata(dto, property);
    if (!type) continue;
    const target = type.typeFunction();
    if (type.options?.discriminator || typeof target !== 'function' || CONVERSIONS.has(target)) return null;
    const inner = shapeOf(target, seen);
    if (!inner) return null;
    nested.set(property, inner);
  }
  return { ctor: dto as new () => object, nested };
}

function build(shape: Shape, raw: Record<string, unknown>): object {
  const instance = new shape.ctor() as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    const nested = shape.nested.get(key);
    instance[key] = nested ? nest(nested, raw[key]) : raw[key];
  }
  return instance;
}

/** As class-transformer does for a @Type property: arrays element by element, objects to instances, the rest as is. */
function nest(shape: Shape, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => nest(shape, v));
  if (value !== null && typeof value === 'object') return build(shape, value as Record<string, unknown>);
  return value;
}

memoiseMetadataLookups();

/**
 * class-validator 0.14 recomputes a class's metadata (its own, then every registered class tested with instanceof
 * for inherited ones) on each validate call. The answer only changes when a decorator registers more metadata, so
 * it is kept per class and argument set, and dropped whenever metadata is added.
 */
function memoiseMetadataLookups(): void {
  type Storage = ReturnType<typeof getMetadataStorage> & { __tesseraMemo?: true };
  const storage = getMetadataStorage() as Storage;
  if (storage.__tesseraMemo) return;
  storage.__tesseraMemo = true;
  let lookups = new Map<unknown, Map<string, ReturnType<Storage['getTargetValidationMetadatas']>>>();
  let groupings = new WeakMap<object, ReturnType<Storage['groupByPropertyName']>>();
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const forget = () => ((lookups = new Map()), (groupings = new WeakMap()));
  for (const add of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const original = storage[add].bind(storage) as (arg: never) => void;
    storage[add] = ((arg: never) => (forget(), original(arg))) as never;
  }
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}|${always}|${strictGroups}|${groups?.join(',') ?? ''}`;
    const byArgs = lookups.get(target) ?? new Map();
    lookups.set(target, byArgs);
    let found = byArgs.get(key);
    if (!found) byArgs.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  storage.groupByPropertyName = (metadata) => {
    let found = groupings.get(metadata);
    if (!found) groupings.set(metadata, (found = group(metadata)));
    return found;
  };
}
