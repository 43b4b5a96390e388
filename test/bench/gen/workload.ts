import { appEventData, APP_EVENT_TYPES, WEB_EVENT_TYPES, webEventData } from './payloads';
import { createRng, type Rng } from './prng';

/**
 * A realistic ingestion workload as POST /v1/ingest batch items, in time order. Each person has a CRM id (70 %),
 * an e-mail, a phone, one to three devices (IDFA or GAID) and cookies (ECID) that multiply over time. Sessions are
 * web or app; anonymous events carry only the cookie or device, logins link the cookie to the CRM id. Records come
 * from crm, loyalty and web and disagree (name spelling, tier, city). A share of devices is shared within a
 * household, and a few records carry bad values (test@test.com, the call-centre phone) that would join strangers.
 * Deterministic for a seed: one PRNG, a fixed base time, counters for ids.
 */
export interface IdentityInput {
  namespace: string;
  id: string;
  primary?: boolean;
}

interface ItemBase {
  id: string;
  source: string;
  timestamp: string;
  identities: IdentityInput[];
}

export type BatchItem =
  | (ItemBase & { kind: 'record'; attributes: Record<string, unknown> })
  | (ItemBase & { kind: 'event'; type: string; data: Record<string, unknown> })
  | (ItemBase & { kind: 'link' });

export interface WorkloadOptions {
  persons: number;
  seed?: number;
}

interface Device {
  namespace: 'IDFA' | 'GAID';
  id: string;
  os: string;
}

interface Person {
  n: number;
  crm?: string;
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
  city: string;
  devices: Device[];
  cookies: string[];
}

export const BASE_TIME = Date.UTC(2024, 0, 1);
export const BAD_EMAIL = 'test@test.com';
export const CALL_CENTRE_PHONE = '+41800800800';
const SESSIONS_PER_PERSON = 6;
const FIRST_NAMES = ['Anna', 'Luca', 'Mia', 'Noah', 'Lea', 'Elias', 'Sofia', 'Leon', 'Emma', 'Finn', 'Laura', 'Jonas'];
const LAST_NAMES = ['Müller', 'Meier', 'Schmid', 'Keller', 'Weber', 'Huber', 'Rossi', 'Favre', 'Baumann', 'Frei'];
const CITIES = ['Zürich', 'Basel', 'Bern', 'Genève', 'Lausanne', 'Luzern', 'Lugano', 'St. Gallen'];

const ecid = (rng: Rng) => String(rng.int(10_000_000, 99_999_999)) + rng.hex(8).replace(/[a-f]/g, '7') + String(rng.int(1_000_000, 9_999_999));

class WorkloadState {
  readonly persons: Person[] = [];
  private clock = BASE_TIME;
  private serial = 0;
  private session = 0;

  constructor(readonly rng: Rng) {}

  tick(): string {
    this.clock += this.rng.int(5, 2500);
    return new Date(this.clock).toISOString();
  }

  nextId(prefix: string): string {
    return `${prefix}-${(++this.serial).toString(36)}`;
  }

  nextSession(): string {
    return `s-${(++this.session).toString(36)}`;
  }

  /** Most traffic comes from recent visitors; a third from anyone seen so far. */
  somePerson(): Person {
    const recent = this.rng.chance(0.67);
    const span = recent ? Math.min(2000, this.persons.length) : this.persons.length;
    return this.persons[this.persons.length - 1 - Math.floor(this.rng.next() * span)];
  }
}

function newPerson(state: WorkloadState): Person {
  const { rng } = state;
  const n = state.persons.length + 1;
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const household = state.persons.length > 10 && rng.chance(0.04) ? state.somePerson().devices[0] : undefined;
  const devices = Array.from({ length: rng.int(1, 3) }, (): Device => {
    const ios = rng.chance(0.45);
    return { namespace: ios ? 'IDFA' : 'GAID', id: `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`.toUpperCase(), os: ios ? 'iOS' : 'Android' };
  });
  if (household) devices[0] = household;
  const person: Person = {
    n,
    crm: rng.chance(0.7) ? `CRM${String(n).padStart(9, '0')}` : undefined,
    email: `${firstName}.${lastName}${n}@mail.example`.toLowerCase(),
    phone: `+4179${String(n).padStart(7, '0')}`,
    firstName,
    lastName,
    city: rng.pick(CITIES),
    devices,
    cookies: [ecid(rng)],
  };
  state.persons.push(person);
  return person;
}

function crmRecord(state: WorkloadState, p: Person): BatchItem {
  const phone = state.rng.chance(0.005) ? CALL_CENTRE_PHONE : p.phone;
  return {
    kind: 'record',
    id: state.nextId('crm'),
    source: 'crm',
    timestamp: state.tick(),
    identities: [{ namespace: 'CRMID', id: p.crm!, primary: true }, { namespace: 'Email', id: p.email }, { namespace: 'Phone', id: phone }],
    attributes: {
      firstName: p.firstName,
      lastName: p.lastName,
      address: { city: p.city, zip: String(1000 + (p.n % 8999)), country: 'CH' },
      tier: state.rng.pick(['bronze', 'silver', 'gold']),
      consents: { email: state.rng.chance(0.6), sms: state.rng.chance(0.3) },
    },
  };
}

function loyaltyRecord(state: WorkloadState, p: Person): BatchItem {
  const { rng } = state;
  return {
    kind: 'record',
    id: state.nextId('loy'),
    source: 'loyalty',
    timestamp: state.tick(),
    identities: [{ namespace: 'Email', id: p.email, primary: true }, { namespace: 'Phone', id: p.phone }],
    attributes: {
      firstName: rng.chance(0.3) ? p.firstName.toUpperCase() : p.firstName,
      tier: rng.pick(['silver', 'gold', 'platinum']),
      points: rng.int(0, 25_000),
      address: { city: rng.chance(0.2) ? rng.pick(CITIES) : p.city },
    },
  };
}

function webRecord(state: WorkloadState, p: Person, cookie: string): BatchItem {
  const email = state.rng.chance(0.01) ? BAD_EMAIL : p.email;
  return {
    kind: 'record',
    id: state.nextId('web'),
    source: 'web',
    timestamp: state.tick(),
    identities: [{ namespace: 'Email', id: email, primary: true }, { namespace: 'ECID', id: cookie }],
    attributes: { preferredLanguage: state.rng.pick(['de', 'fr', 'it', 'en']), newsletter: state.rng.chance(0.5), firstName: p.firstName.toLowerCase() },
  };
}

function cookieOf(state: WorkloadState, p: Person): string {
  if (state.rng.chance(0.15)) p.cookies.push(ecid(state.rng));
  return p.cookies[p.cookies.length - 1];
}

function* webSession(state: WorkloadState, p: Person): Generator<BatchItem> {
  const { rng } = state;
  const cookie = cookieOf(state, p);
  const sessionId = state.nextSession();
  const login = p.crm !== undefined && rng.chance(0.4);
  const count = rng.int(1, 6);
  for (let seq = 0; seq < count; seq++) {
    const identities: IdentityInput[] = [{ namespace: 'ECID', id: cookie }];
    if (login && seq === 0) {
      if (rng.chance(0.5)) {
        yield { kind: 'link', id: state.nextId('login'), source: 'web', timestamp: state.tick(), identities: [...identities, { namespace: 'CRMID', id: p.crm! }] };
      } else {
        identities.push({ namespace: 'CRMID', id: p.crm! });
        yield { kind: 'event', id: state.nextId('ev'), source: 'web', type: 'login', timestamp: state.tick(), identities, data: webEventData(rng, 'login', sessionId, seq) };
        continue;
      }
    }
    const type = rng.pick(WEB_EVENT_TYPES);
    yield { kind: 'event', id: state.nextId('ev'), source: 'web', type, timestamp: state.tick(), identities, data: webEventData(rng, type, sessionId, seq) };
  }
  if (rng.chance(0.05)) yield webRecord(state, p, cookie);
}

function* appSession(state: WorkloadState, p: Person): Generator<BatchItem> {
  const { rng } = state;
  const device = rng.pick(p.devices);
  const sessionId = state.nextSession();
  const loggedIn = p.crm !== undefined && rng.chance(0.5);
  const count = rng.int(1, 5);
  for (let seq = 0; seq < count; seq++) {
    const identities: IdentityInput[] = [{ namespace: device.namespace, id: device.id }];
    if (loggedIn) identities.push({ namespace: 'CRMID', id: p.crm! });
    const type = rng.pick(APP_EVENT_TYPES);
    yield { kind: 'event', id: state.nextId('ev'), source: 'app', type, timestamp: state.tick(), identities, data: appEventData(rng, type, sessionId, seq, device.os) };
  }
}

function* session(state: WorkloadState, p: Person, first: boolean): Generator<BatchItem> {
  const { rng } = state;
  if (first && p.crm) yield crmRecord(state, p);
  if (first && !p.crm) yield webRecord(state, p, p.cookies[0]);
  if (!first && rng.chance(0.08)) yield loyaltyRecord(state, p);
  if (!first && p.crm && rng.chance(0.03)) yield crmRecord(state, p);
  yield* rng.chance(0.6) ? webSession(state, p) : appSession(state, p);
}

/** About 20 items per person: six sessions each, persons introduced evenly over the run. */
export function* workload(options: WorkloadOptions): Generator<BatchItem> {
  const state = new WorkloadState(createRng(options.seed ?? 1));
  const sessions = options.persons * SESSIONS_PER_PERSON;
  for (let s = 0; s < sessions; s++) {
    const toIntroduce = options.persons - state.persons.length;
    const introduce = state.persons.length === 0 || (toIntroduce > 0 && state.rng.next() < toIntroduce / (sessions - s));
    const person = introduce ? newPerson(state) : state.somePerson();
    yield* session(state, person, introduce);
  }
}

/** The first `count` items of a (larger) workload: `count` bounds the run, the persons bound the variety. */
export function takeItems(count: number, options: WorkloadOptions, kinds?: ReadonlySet<BatchItem['kind']>): BatchItem[] {
  const items: BatchItem[] = [];
  for (const item of workload(options)) {
    if (kinds && !kinds.has(item.kind)) continue;
    items.push(item);
    if (items.length >= count) break;
  }
  return items;
}
