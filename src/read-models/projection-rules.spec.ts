import type { DecodedEvent } from '../events/codec';
import { evolveRules, initialRules, isRuleEvent } from './projection-rules';

const decoded = (type: string, data: Record<string, unknown>): DecodedEvent =>
  ({ event: { type, data }, eventId: 'e', stream: 's', revision: 0, position: '1', recordedAt: new Date(0) }) as unknown as DecodedEvent;

const counts = { identities: 1, records: 0, events: 0, links: 0 };

describe('projection rules: an erasure', () => {
  it('re-derives every graph only when the erased subject was linked to someone else', () => {
    expect(isRuleEvent(decoded('SubjectErased', { requestId: 'r', at: 'now', counts, rederive: true }))).toBe(true);
    expect(isRuleEvent(decoded('SubjectErased', { requestId: 'r', at: 'now', counts, rederive: false }))).toBe(false);
  });

  it('changes no rule', () => {
    const rules = initialRules();
    expect(evolveRules(rules, decoded('SubjectErased', { requestId: 'r', at: 'now', counts, rederive: true }))).toBe(rules);
  });

  it('leaves the other rule events and items as they were', () => {
    expect(isRuleEvent(decoded('LinkRejectionWithdrawn', { rejectionId: 'x' }))).toBe(true);
    expect(isRuleEvent(decoded('ItemErased', { erasedType: 'RecordIngested' }))).toBe(false);
    expect(isRuleEvent(decoded('PrivacyRequestAccepted', {}))).toBe(false);
  });
});
