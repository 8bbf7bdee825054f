import { EVENT_SCHEMA_VERSIONS, EVENT_TYPES, isSamverkanEventType, upcast, UpcasterRegistry } from './events';

describe('event schema versions', () => {
  it('every event type has a version of at least 1, and the contract names are there', () => {
    for (const type of EVENT_TYPES) expect(EVENT_SCHEMA_VERSIONS[type]).toBeGreaterThanOrEqual(1);
    for (const type of ['MunicipalityRegistered', 'ServiceAreaDefined', 'FederationFormed', 'MemberJoined', 'MemberLeft', 'FederationDissolved', 'AgreementProposed', 'AgreementSigned', 'CouncilDecisionRecorded', 'AgreementConcluded', 'AgreementExtended', 'AgreementTerminated', 'ServiceTransferred', 'StudyStarted', 'MilestoneScheduled', 'MilestoneReached', 'StudyConcluded', 'ReviewRecorded', 'CorrectionRecorded'])
      expect(EVENT_TYPES).toContain(type);
  });

  it('isSamverkanEventType knows only the register own types', () => {
    expect(isSamverkanEventType('ServiceTransferred')).toBe(true);
    expect(isSamverkanEventType('ServiceMoved')).toBe(false);
    expect(isSamverkanEventType('constructor')).toBe(false);
  });
});

describe('upcast', () => {
  // A test-only history: MemberJoined went to v3; v1 had `kommun`, v2 renamed it, v3 added `decidedOn`.
  const versions = { MemberJoined: 3, MemberLeft: 1 };
  const registry: UpcasterRegistry = {
    MemberJoined: {
      1: ({ kommun, ...rest }) => ({ ...rest, municipality: kommun }),
      2: (data) => ({ ...data, decidedOn: data.effectiveFrom }),
    },
  };

  it('lifts an event at v1 through two upcasters to v3', () => {
    expect(upcast('MemberJoined', 1, { id: 'f', kommun: '0580', effectiveFrom: '2015-01-01' }, registry, versions)).toEqual({
      type: 'MemberJoined',
      data: { id: 'f', municipality: '0580', effectiveFrom: '2015-01-01', decidedOn: '2015-01-01' },
    });
  });

  it('lifts an event at v2 through the last upcaster only', () => {
    expect(upcast('MemberJoined', 2, { id: 'f', municipality: '0580', effectiveFrom: '2015-01-01' }, registry, versions)).toEqual({
      type: 'MemberJoined',
      data: { id: 'f', municipality: '0580', effectiveFrom: '2015-01-01', decidedOn: '2015-01-01' },
    });
  });

  it('returns an event at the current version as it is', () => {
    const data = { id: 'f', municipality: '0580', effectiveFrom: '2015-01-01', decidedOn: '2014-12-01' };
    expect(upcast('MemberJoined', 3, data, registry, versions)).toEqual({ type: 'MemberJoined', data });
    expect(upcast('MemberLeft', 1, { id: 'f' }, registry, versions)).toEqual({ type: 'MemberLeft', data: { id: 'f' } });
  });

  it('throws when an upcaster is missing', () => {
    expect(() => upcast('MemberJoined', 1, {}, { MemberJoined: { 1: registry.MemberJoined![1] } }, versions)).toThrow(/No upcaster for 'MemberJoined' from version 2/);
  });

  it('throws on a version newer than the current one', () => {
    expect(() => upcast('MemberJoined', 4, {}, registry, versions)).toThrow(/newer/);
    expect(() => upcast('ServiceTransferred', 2, {})).toThrow(/newer/);
  });

  it('throws on an unknown type', () => {
    expect(() => upcast('MemberRenamed', 1, {}, registry, versions)).toThrow(/Unknown event type 'MemberRenamed'/);
    expect(() => upcast('ServiceMoved', 1, {})).toThrow(/Unknown event type/);
  });

  // Regression: `type in versions` also found Object.prototype's members, so 'constructor' or
  // 'toString' was read as an event instead of being refused as unknown.
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('throws on %s, a name only the object prototype knows', (type) => {
    expect(() => upcast(type, 1, {})).toThrow(/Unknown event type/);
    expect(() => upcast(type, 1, {}, registry, versions)).toThrow(/Unknown event type/);
  });

  it('reads today\'s events with the shipped registry unchanged', () => {
    const data = { code: '0580', name: 'Linköping', countyCode: '05', countyName: 'Östergötlands län' };
    expect(upcast('MunicipalityRegistered', 1, data)).toEqual({ type: 'MunicipalityRegistered', data });
  });
});
