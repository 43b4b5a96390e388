import { AppError } from '../common/app-error';
import type { IdentitySettingsChangedV1 } from '../events';
import { ChangeIdentitySettings, decide, evolve, initialSettingsState, SettingsState } from './identity-settings.decider';

const given = (...events: IdentitySettingsChangedV1[]) => {
  const state = events.reduce<SettingsState>(evolve, initialSettingsState());
  return {
    state,
    when: (command: ChangeIdentitySettings) => ({
      then: (expected: IdentitySettingsChangedV1) =>
        expect(decide(command, state)).toEqual([{ type: 'IdentitySettingsChanged', data: expected }]),
      thenRejects: (code: string) => {
        let error: unknown;
        try {
          decide(command, state);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(AppError);
        expect(error).toMatchObject({ status: 422, code });
      },
    }),
  };
};

const crm = { code: 'CRMID', type: 'person', unique: true } as const;
const ecid = { code: 'ECID', type: 'cookie', unique: false } as const;

describe('identity settings decider', () => {
  it('starts from the defaults at version 0', () => {
    const { state } = given();
    expect(state.version).toBe(0);
    expect(state.settings.namespaces.map((n) => n.code)).toEqual(['CRMID', 'loginID', 'Email', 'Phone', 'IDFA', 'GAID', 'ECID']);
    expect(state.settings.graphCap).toBe(50);
  });

  it('a change on a fresh store is version 1 and keeps the graph cap when none is given', () => {
    given().when({ namespaces: [crm, { code: 'ECID', type: 'cookie' }] }).then({ namespaces: [crm, ecid], graphCap: 50, version: 1 });
  });

  it('versions follow the log and a given graph cap replaces the old one', () => {
    given({ namespaces: [crm], graphCap: 10, version: 1 })
      .when({ namespaces: [ecid], graphCap: 20 })
      .then({ namespaces: [ecid], graphCap: 20, version: 2 });
    expect(given({ namespaces: [crm], graphCap: 10, version: 1 }).state.settings.graphCap).toBe(10);
  });

  it.each<[string, ChangeIdentitySettings]>([
    ['SETTINGS_NO_NAMESPACE', { namespaces: [] }],
    ['NAMESPACE_NOT_UNIQUE_CAPABLE', { namespaces: [{ code: 'ECID', type: 'cookie', unique: true }] }],
    ['NAMESPACE_CODE_INVALID', { namespaces: [{ code: 'has:colon', type: 'person' }] }],
    ['NAMESPACE_CODE_INVALID', { namespaces: [{ code: '1abc', type: 'person' }] }],
    ['NAMESPACE_CODE_DUPLICATE', { namespaces: [crm, crm] }],
    ['NAMESPACE_TYPE_INVALID', { namespaces: [{ code: 'X', type: 'robot' }] }],
    ['GRAPH_CAP_INVALID', { namespaces: [crm], graphCap: 1 }],
    ['GRAPH_CAP_INVALID', { namespaces: [crm], graphCap: 2.5 }],
  ])('rejects with %s', (code, command) => given().when(command).thenRejects(code));

  it('accepts unique on person, email and phone', () => {
    const namespaces = (['person', 'email', 'phone'] as const).map((type, i) => ({ code: `N${i}`, type, unique: true }));
    given().when({ namespaces }).then({ namespaces, graphCap: 50, version: 1 });
  });
});
