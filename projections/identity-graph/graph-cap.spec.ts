import { given, settingsOf, type NamespaceRow } from './given.fixture';
import { REMOVAL_REASONS } from './graph-item';

const rows: NamespaceRow[] = [
  ['CRMID', 'person', true],
  ['Email', 'email', false],
  ['Phone', 'phone', false],
  ['IDFA', 'device', false],
  ['ECID', 'cookie', false],
];

describe('graph cap (step 5)', () => {
  const capFour = settingsOf(rows, 4);
  // First-seen order differs from key order ('ECID:new' < 'ECID:old'), so the specs tell the two apart.
  const full = () => given(capFour, 'CRMID:A, ECID:old', 'CRMID:A, IDFA:d1', 'CRMID:A, ECID:new');

  it('evicts the oldest cookie first, with its links', () => {
    const story = full().when('CRMID:A, Email:e');
    expect(story.outcome.evicted).toEqual(['ECID:old']);
    expect(story.graphOf('CRMID:A')).toEqual(['CRMID:A', 'ECID:new', 'Email:e', 'IDFA:d1']);
    expect(story.graphOf('ECID:old')).toEqual(['ECID:old']);
    expect(story.state.links.get('CRMID:A|ECID:old')).toMatchObject({
      status: 'removed',
      removedAt: 4,
      removedBy: 'item-4',
      reason: REMOVAL_REASONS.graphCap,
    });
    expect(story.outcome.removedLinks).toEqual([{ key: 'CRMID:A|ECID:old', reason: REMOVAL_REASONS.graphCap }]);
  });

  it('evicts a device once no cookie is left', () => {
    const story = full().when('CRMID:A, Email:e', 'CRMID:A, Email:f', 'CRMID:A, Email:g');
    expect(story.outcomes.map((o) => o.evicted)).toEqual([[], [], [], ['ECID:old'], ['ECID:new'], ['IDFA:d1']]);
    expect(story.graphOf('CRMID:A')).toEqual(['CRMID:A', 'Email:e', 'Email:f', 'Email:g']);
  });

  it('then the oldest identity of any type: a hub leaves its spokes alone', () => {
    const story = given(settingsOf(rows, 3), 'Phone:hub', 'Phone:hub, Email:a', 'Phone:hub, Email:b');
    story.when('Phone:hub, Email:c');
    expect(story.outcome.evicted).toEqual(['Phone:hub']);
    expect(story.graphs()).toEqual([]);
    expect(story.outcome.splits).toEqual([{ graphId: 'Email:a', into: ['Email:a', 'Email:b', 'Phone:hub'] }]);
    expect(story.outcome.removedLinks.map((l) => l.key)).toEqual([
      'Email:a|Phone:hub',
      'Email:b|Phone:hub',
      'Email:c|Phone:hub',
    ]);
  });

  it('breaks first-seen ties by key', () => {
    const story = given(settingsOf(rows, 2), 'ECID:b, ECID:a').when('ECID:a, Email:x');
    expect(story.outcome.evicted).toEqual(['ECID:a']);
    expect(story.graphs()).toEqual([]);
  });

  it('splits a graph when the evicted identity held it together', () => {
    const story = given(settingsOf(rows, 3), 'Email:x, ECID:c1', 'ECID:c1, Phone:p').when('Phone:p, IDFA:d');
    expect(story.outcome.evicted).toEqual(['ECID:c1']);
    expect(story.graphs()).toEqual([['IDFA:d', 'Phone:p']]);
    expect(story.graphOf('Email:x')).toEqual(['Email:x']);
    expect(story.outcome.splits).toEqual([{ graphId: 'ECID:c1', into: ['ECID:c1', 'Email:x', 'IDFA:d'] }]);
  });

  it('evicts until the merged graph fits, then keeps the pieces', () => {
    const story = given(settingsOf(rows, 3), 'Email:a, Phone:a', 'Phone:a, IDFA:a', 'Email:b, Phone:b', 'Phone:b, IDFA:b');
    story.when('IDFA:a, IDFA:b');
    expect(story.outcome.evicted).toEqual(['IDFA:a']);
    expect(story.graphs()).toEqual([
      ['Email:a', 'Phone:a'],
      ['Email:b', 'IDFA:b', 'Phone:b'],
    ]);
  });
});
