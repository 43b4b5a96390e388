import {
  decideLinkRejection,
  evolveLinkRejections,
  initialLinkRejectionState,
  type LinkRejectionCommand,
  type LinkRejectionState,
} from './link-rejection.decider';

const ann = { namespace: 'Email', id: 'ann@x.com' };
const tablet = { namespace: 'ECID', id: 'tablet' };

/** given(commands...) folds each decided event at position i+1, time 1000·(i+1); then(...) decides one more. */
function given(...commands: LinkRejectionCommand[]): LinkRejectionState {
  return commands.reduce((state, command, i) => {
    for (const event of decideLinkRejection(command, state)) {
      state = evolveLinkRejections(state, event, { position: String(i + 1), recordedAt: 1000 * (i + 1) });
    }
    return state;
  }, initialLinkRejectionState());
}

const reject = (rejectionId: string, from = ann, to = tablet): LinkRejectionCommand => ({ type: 'RejectLink', rejectionId, from, to, reason: 'wrong' });
const withdraw = (rejectionId: string): LinkRejectionCommand => ({ type: 'WithdrawLinkRejection', rejectionId });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code: string; status: number }).code;
  }
};

describe('link rejection decider', () => {
  it('rejects a pair once; the same pair in either order is a conflict while active', () => {
    expect(decideLinkRejection(reject('r1'), given())).toEqual([{ type: 'LinkRejected', data: { rejectionId: 'r1', from: ann, to: tablet, reason: 'wrong' } }]);
    expect(codeOf(() => decideLinkRejection(reject('r2', tablet, ann), given(reject('r1'))))).toBe('LINK_ALREADY_REJECTED');
  });

  it('withdraws an active rejection once, then the pair can be rejected again', () => {
    const state = given(reject('r1'), withdraw('r1'));
    expect(state.rejections.get('r1')).toMatchObject({ createdAt: 1000, position: '1', withdrawnAt: 2000, withdrawnPosition: '2' });
    expect(codeOf(() => decideLinkRejection(withdraw('r1'), state))).toBe('LINK_REJECTION_ALREADY_WITHDRAWN');
    expect(decideLinkRejection(reject('r2'), state)).toHaveLength(1);
    expect(codeOf(() => decideLinkRejection(reject('r1', ann, { namespace: 'ECID', id: 'other' }), state))).toBe('LINK_REJECTION_ID_TAKEN');
  });

  it('an unknown rejection cannot be withdrawn', () => {
    expect(codeOf(() => decideLinkRejection(withdraw('nope'), given(reject('r1'))))).toBe('LINK_REJECTION_NOT_FOUND');
  });
});
