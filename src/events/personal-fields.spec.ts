import { openPersonalFields, PERSONAL_FIELDS, sealPersonalFields, type FieldCipher } from './personal-fields';
import type { IdentityRef } from '../../projections/model';

/** A transparent cipher: `sealed:<subject>:<json>`, with a set of erased subjects. */
function fakeCipher(erased: string[] = []): FieldCipher {
  const gone = new Set(erased);
  return {
    subjectOf: (ref: IdentityRef) => `${ref.namespace}=${ref.id}`,
    seal: (subject, value) => `sealed:${subject}:${JSON.stringify(value)}`,
    open: (sealed) => {
      const [, subject, ...rest] = sealed.split(':');
      return gone.has(subject) ? undefined : { value: JSON.parse(rest.join(':')) };
    },
    isSealed: (v): v is string => typeof v === 'string' && v.startsWith('sealed:'),
    subjectOfSealed: (s) => s.split(':')[1],
    hasKey: (subject) => !gone.has(subject),
  };
}

const tom = { namespace: 'Email', id: 'tom@acme.com' };
const device = { namespace: 'IDFA', id: 'dev-1' };
const record = {
  itemId: 'r1',
  source: 'crm',
  timestamp: '2026-01-01T00:00:00.000Z',
  identities: [tom, device],
  primary: tom,
  attributes: { name: 'Tom' },
};
const TOM = 'Email=tom@acme.com';
const DEVICE = 'IDFA=dev-1';

describe('personal fields', () => {
  it('names identities, attributes, event data, rejected pairs and request identities as personal', () => {
    expect(PERSONAL_FIELDS.RecordIngested).toEqual({ identities: ['identities', 'unlinked', 'primary'], owned: ['attributes'] });
    expect(PERSONAL_FIELDS.ExperienceEventIngested?.owned).toEqual(['data']);
    expect(PERSONAL_FIELDS.LinkRejected?.identities).toEqual(['from', 'to']);
    expect(PERSONAL_FIELDS.PrivacyRequestAccepted?.identities).toEqual(['identity']);
    expect(PERSONAL_FIELDS.SubjectErased).toBeUndefined();
    expect(PERSONAL_FIELDS.IdentitySettingsChanged).toBeUndefined();
  });

  it('seals each identity with its own subject and the attributes with the owner, nothing else', () => {
    const sealed = sealPersonalFields('RecordIngested', record, TOM, fakeCipher());
    expect(sealed.identities).toEqual([
      { namespace: 'Email', id: `sealed:${TOM}:"tom@acme.com"` },
      { namespace: 'IDFA', id: `sealed:${DEVICE}:"dev-1"` },
    ]);
    expect(sealed.attributes).toBe(`sealed:${TOM}:{"name":"Tom"}`);
    expect(sealed).toMatchObject({ itemId: 'r1', source: 'crm', timestamp: record.timestamp });
    expect(record.identities[0].id).toBe('tom@acme.com');
  });

  it('opens what it sealed unchanged', () => {
    const cipher = fakeCipher();
    const sealed = sealPersonalFields('RecordIngested', record, TOM, cipher);
    expect(openPersonalFields('RecordIngested', sealed, TOM, cipher)).toEqual({ type: 'RecordIngested', data: record });
  });

  it('leaves an erased identity out of somebody else’s item', () => {
    const sealed = sealPersonalFields('LinkObserved', { ...record, primary: undefined, attributes: undefined }, DEVICE, fakeCipher());
    const opened = openPersonalFields('LinkObserved', sealed, DEVICE, fakeCipher([TOM]));
    expect(opened.type).toBe('LinkObserved');
    expect(opened.data.identities).toEqual([device]);
  });

  it('withholds an item whose owner is erased, or that is left with no identity', () => {
    const sealed = sealPersonalFields('RecordIngested', record, TOM, fakeCipher());
    expect(openPersonalFields('RecordIngested', sealed, TOM, fakeCipher([TOM]))).toEqual({ type: 'ItemErased', data: { erasedType: 'RecordIngested' } });
    const lonely = sealPersonalFields('LinkObserved', { ...record, identities: [device], primary: undefined }, TOM, fakeCipher());
    expect(openPersonalFields('LinkObserved', lonely, undefined, fakeCipher([DEVICE])).type).toBe('ItemErased');
  });

  it('blanks an erased end of a link rejection, which no ingested identity can equal', () => {
    const cipher = fakeCipher();
    const sealed = sealPersonalFields('LinkRejected', { rejectionId: 'x', from: tom, to: device, reason: 'wrong' }, undefined, cipher);
    const opened = openPersonalFields('LinkRejected', sealed, undefined, fakeCipher([TOM]));
    expect(opened.data).toEqual({ rejectionId: 'x', from: { namespace: 'Email', id: '' }, to: device, reason: 'wrong' });
  });

  it('passes event types without personal fields through untouched', () => {
    const data = { requestId: 'q', at: 'now', counts: { identities: 1, records: 0, events: 0, links: 0 } };
    expect(sealPersonalFields('SubjectErased', data, undefined, fakeCipher())).toBe(data);
  });
});
