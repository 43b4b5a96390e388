import { linkKey } from '../model';
import { applyItem } from './apply-item';
import { GraphStory, given, settingsOf, type NamespaceRow } from './given.fixture';
import { REMOVAL_REASONS } from './graph-item';
import { createGraphState } from './graph-state';

const CE: NamespaceRow[] = [
  ['CRMID', 'person', true],
  ['Email', 'email', true],
  ['ECID', 'cookie', false],
];
const settings = settingsOf(CE);

describe('applyItem', () => {
  it('rejects an item holding two values of a unique namespace and changes nothing (rule 1)', () => {
    const story = given(settings).when('CRMID:A, CRMID:B, ECID:1');
    expect(story.outcome).toMatchObject({ status: 'rejected', rejection: { namespace: 'CRMID' }, touchedNodes: [] });
    expect(story.state.nodes.size).toBe(0);
  });

  it('records the node of an item with one identity and links nothing', () => {
    const story = given(settings).when('ECID:1');
    expect(story.state.nodes.get('ECID:1')).toMatchObject({ firstSeen: 1, lastSeen: 1, graphId: 'ECID:1' });
    expect(story.state.links.size).toBe(0);
    expect(story.outcome.touchedNodes).toEqual(['ECID:1']);
  });

  it('keeps a link first-seen and takes the newer last-seen and every source', () => {
    const state = createGraphState();
    const item = (itemId: string, source: string, timestamp: number) => ({
      itemId,
      source,
      timestamp,
      identities: [
        { namespace: 'CRMID', id: 'A' },
        { namespace: 'ECID', id: '1' },
      ],
    });
    applyItem(state, settings, item('i1', 'crm', 10));
    applyItem(state, settings, item('i2', 'web', 30));
    const outcome = applyItem(state, settings, item('i3', 'crm', 20));
    expect(state.links.get('CRMID:A|ECID:1')).toEqual({
      key: 'CRMID:A|ECID:1',
      a: 'CRMID:A',
      b: 'ECID:1',
      firstSeen: 10,
      lastSeen: 30,
      sources: ['crm', 'web'],
      createdBy: 'i1',
      status: 'active',
    });
    expect(outcome.touchedNodes).toEqual([]);
  });

  it('merges graphs and names the result by its smallest key (step 3)', () => {
    const story = given(settings, 'CRMID:B, ECID:2', 'Email:a@x, ECID:1').when('ECID:1, ECID:2');
    expect(story.graphs()).toEqual([['CRMID:B', 'ECID:1', 'ECID:2', 'Email:a@x']]);
    expect(story.state.nodes.get('Email:a@x')!.graphId).toBe('CRMID:B');
    expect(story.outcome).toMatchObject({
      rebuilt: false,
      merges: [{ graphId: 'CRMID:B', from: ['CRMID:B', 'ECID:1'] }],
      splits: [],
    });
  });

  it('rebuilds on a unique conflict and removes the skipped link by this item (step 4)', () => {
    const story = given(settings, 'CRMID:Jane, ECID:L').when('CRMID:John, ECID:L');
    expect(story.graphs()).toEqual([['CRMID:John', 'ECID:L']]);
    expect(story.state.links.get('CRMID:Jane|ECID:L')).toMatchObject({
      status: 'removed',
      removedAt: 2,
      removedBy: 'item-2',
      reason: REMOVAL_REASONS.uniqueConflict,
    });
    expect(story.outcome).toMatchObject({ rebuilt: true, addedLinks: ['CRMID:John|ECID:L'] });
    expect(story.outcome.splits).toEqual([{ graphId: 'CRMID:Jane', into: ['CRMID:Jane', 'CRMID:John'] }]);
  });

  it('brings a removed link back when its pair is observed again', () => {
    const story = given(settings, 'CRMID:Jane, ECID:L', 'CRMID:John, ECID:L').when('CRMID:Jane, ECID:L');
    expect(story.graphs()).toEqual([['CRMID:Jane', 'ECID:L']]);
    expect(story.outcome.restoredLinks).toEqual(['CRMID:Jane|ECID:L']);
    expect(story.outcome.removedLinks).toEqual([{ key: 'CRMID:John|ECID:L', reason: REMOVAL_REASONS.uniqueConflict }]);
    expect(story.state.links.get('CRMID:Jane|ECID:L')).not.toHaveProperty('removedBy');
  });

  it('makes every identity of an item a node but links none touching an unlinked identity', () => {
    const state = createGraphState();
    applyItem(state, settings, {
      itemId: 'i1',
      source: 'web',
      timestamp: 5,
      identities: [
        { namespace: 'CRMID', id: 'A' },
        { namespace: 'ECID', id: '1' },
        { namespace: 'ECID', id: '2' },
      ],
      unlinked: [{ namespace: 'ECID', id: '2' }],
    });
    expect([...state.links.keys()]).toEqual(['CRMID:A|ECID:1']);
    expect(state.nodes.get('ECID:2')!.graphId).toBe('ECID:2');
  });

  it('keeps the parts of an item that rejected pairs cut apart in their own graphs', () => {
    const cut = ['ECID:a|ECID:c', 'ECID:a|ECID:d', 'ECID:b|ECID:c', 'ECID:b|ECID:d'];
    const story = new GraphStory(settings, new Set(cut)).when('ECID:a, ECID:b, ECID:c, ECID:d');
    expect(story.graphs()).toEqual([
      ['ECID:a', 'ECID:b'],
      ['ECID:c', 'ECID:d'],
    ]);
  });

  it('ignores observations of a rejected pair', () => {
    const story = new GraphStory(settings, new Set([linkKey('CRMID:A', 'ECID:1')])).when('CRMID:A, ECID:1, ECID:2');
    expect(story.graphs()).toEqual([['CRMID:A', 'ECID:2', 'ECID:1'].sort()]);
    expect(story.state.links.has('CRMID:A|ECID:1')).toBe(false);
  });
});
