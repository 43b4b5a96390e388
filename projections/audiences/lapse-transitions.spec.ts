import { anonymousName } from './compile-event';
import { evolveDefinitions, initialDefinitions, type AudienceDefinitions } from './definitions';
import { lapseTransitions } from './lapse-transitions';
import type { Condition, EventCondition } from '../conditions';

const recent: EventCondition = { event: { type: 'purchase' }, window: { last: '30d' } };
const none: EventCondition = { event: { type: 'purchase' }, window: { last: '30d' }, count: { op: 'eq', value: 0 } };
function definitions(audiences: Record<string, Condition>): AudienceDefinitions {
  let state = initialDefinitions();
  for (const [audienceId, condition] of Object.entries(audiences)) state = evolveDefinitions(state, { type: 'AudienceSaved', data: { audienceId, name: audienceId, condition, version: 1 } }, 'T');
  return state;
}
const profile = { attributes: { city: 'Basel' }, namespaces: new Set(['CRMID']) };
const count = (n: number) => ({ [anonymousName(recent)]: n });

describe('audience moves at a window lapse', () => {
  it('exits the windowed audience, enters its "none in the window" twin, and audiences of audiences follow', () => {
    const defs = definitions({ buyer: recent, lapsed: none, baselBuyer: { and: [{ audience: 'buyer', op: 'member' }, { attribute: 'city', op: 'eq', value: 'Basel' }] }, basel: { attribute: 'city', op: 'eq', value: 'Basel' } });
    expect(lapseTransitions(defs, profile, count(1), count(0))).toEqual([
      { audienceId: 'buyer', kind: 'exited' },
      { audienceId: 'baselBuyer', kind: 'exited' },
      { audienceId: 'lapsed', kind: 'entered' },
    ]);
  });

  it('a lapse that leaves the count on the same side moves nothing', () => {
    expect(lapseTransitions(definitions({ buyer: recent }), profile, count(2), count(1))).toEqual([]);
  });
});
