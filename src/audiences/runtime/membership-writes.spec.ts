import { buildDependencyIndex, evolveDefinitions, initialDefinitions, type AudienceEngine } from '../../../projections/audiences';
import type { Condition } from '../../../projections/conditions';
import type { MembershipRow, ProfileRecord } from '../../read-store/read-store.port';
import { membershipStep } from './membership-writes';

function engineOf(audiences: Record<string, Condition>): AudienceEngine {
  let definitions = initialDefinitions();
  for (const [audienceId, condition] of Object.entries(audiences)) {
    definitions = evolveDefinitions(definitions, { type: 'AudienceSaved', data: { audienceId, name: audienceId, condition, version: 1 } }, 'T');
  }
  return { definitions, index: buildDependencyIndex(definitions) };
}
const engine = engineOf({ basel: { attribute: 'city', op: 'eq', value: 'Basel' }, hasEmail: { identity: 'Email', op: 'exists' } });
const profile = (graphId: string, attributes: object, namespaces: string[] = []): ProfileRecord => ({
  graphId,
  doc: { profileId: `p_${graphId}`, primaryIdentity: { namespace: 'CRMID', id: graphId }, attributes, identities: namespaces.map((namespace) => ({ namespace, id: 'x' })) } as never,
  createdAt: 0,
  updatedAt: 0,
});
const row = (audienceId: string, graphId: string): MembershipRow => ({ audienceId, graphId, enteredAt: 1000, doc: { profileId: `p_${graphId}`, cause: { kind: 'item' } } });

describe('membership writes of a step', () => {
  it('enters and exits as intervals, with the profile and the cause of each', () => {
    const step = membershipStep(engine, [row('hasEmail', 'g1')], [{ record: profile('g1', { city: 'Basel' }), values: {} }], [], 5000, { kind: 'item', eventId: 'e1' });
    expect(step.writes).toEqual({
      enter: [{ audienceId: 'basel', graphId: 'g1', enteredAt: 5000, doc: { profileId: 'p_g1', primaryIdentity: { namespace: 'CRMID', id: 'g1' }, cause: { kind: 'item', eventId: 'e1' } } }],
      exit: [{ audienceId: 'hasEmail', graphId: 'g1', exitedAt: 5000, doc: { exitCause: { kind: 'item', eventId: 'e1' } } }],
    });
    expect(step.transitions.map((t) => `${t.kind} ${t.audienceId} at ${t.at}`)).toEqual(['entered basel at 1970-01-01T00:00:05.000Z', 'exited hasEmail at 1970-01-01T00:00:05.000Z']);
  });

  it('a graph gone (merged away, erased) exits everything; a profile with its own change reads only that', () => {
    const rows = [row('basel', 'g2'), row('hasEmail', 'g2'), row('basel', 'g1')];
    const narrow = { record: profile('g1', {}, ['Email']), values: {}, change: { identities: ['Email'] }, at: 7000, cause: { kind: 'merge' as const } };
    const step = membershipStep(engine, rows, [narrow], ['g2'], 5000, { kind: 'item' });
    expect(step.transitions.map((t) => `${t.profileId} ${t.kind} ${t.audienceId} ${t.cause.kind} ${t.at}`)).toEqual([
      'p_g2 exited basel item 1970-01-01T00:00:05.000Z',
      'p_g2 exited hasEmail item 1970-01-01T00:00:05.000Z',
      'p_g1 entered hasEmail merge 1970-01-01T00:00:07.000Z',
    ]);
  });
});
