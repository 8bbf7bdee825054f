import fc from 'fast-check';
import { Basis, IN_HOUSE, ProviderRef, addDays } from '@samverkan/domain';
import type { RecordedEvent } from '@samverkan/event-store';
import { ProvisionChange, ProvisionChangeTracker, ProvisionSpan, changedSpans, defaultSpans, overwriteSpan, sameSpan, spansOf } from './provision-changes';
import { RegisterReadModel } from './register-read-model';

const LKP = '0580';
const NKP = '0581';
const FSP = '0562';
const FED = 'fjarde';
const AGR = 'lkp-buys-payroll';

const federation: Basis = { kind: 'federation', id: FED };
const fedProvider: ProviderRef = { kind: 'federation', id: FED };
const span = (from: string | null, until: string | null, basis: Basis = IN_HOUSE, extra: Partial<ProvisionSpan> = {}): ProvisionSpan => ({
  from,
  until,
  basis,
  provider: basis.kind === 'in-house' ? { kind: 'municipality', code: LKP } : fedProvider,
  lapsed: false,
  ...extra,
});

describe('changedSpans', () => {
  it('reports every span of a cell that did not exist', () => {
    expect(changedSpans(undefined, defaultSpans(LKP))).toEqual(defaultSpans(LKP));
  });

  it('reports nothing when the step function is the same', () => {
    const before = [span(null, '2007-12-31'), span('2008-01-01', null, federation)];
    expect(changedSpans(before, before.map((s) => ({ ...s })))).toEqual([]);
  });

  it('reports a span cut short (its until moved) and the new one after it', () => {
    const before = [span(null, '2007-12-31'), span('2008-01-01', null, federation)];
    const after = [span(null, '2007-12-31'), span('2008-01-01', '2019-12-31', federation), span('2020-01-01', null, IN_HOUSE, { lapsed: true, reason: 'dissolved' })];
    expect(changedSpans(before, after)).toEqual([after[1], after[2]]);
  });

  it('reports a lapse whose reason changed even when the days did not', () => {
    const before = [span(null, '2019-12-31', federation), span('2020-01-01', null, IN_HOUSE, { lapsed: true, reason: 'left' })];
    const after = [before[0], { ...before[1], reason: 'dissolved' as const }];
    expect(changedSpans(before, after)).toEqual([after[1]]);
  });

  it('reports the whole in-house span when the only transfer is withdrawn', () => {
    const before = [span(null, '2007-12-31'), span('2008-01-01', null, federation)];
    expect(changedSpans(before, defaultSpans(LKP))).toEqual(defaultSpans(LKP));
  });
});

describe('overwriteSpan', () => {
  it('cuts the spans it overlaps and keeps the rest', () => {
    const before = [span(null, '2007-12-31'), span('2008-01-01', null, federation)];
    const after = overwriteSpan(before, span('2020-01-01', '2022-12-31', IN_HOUSE, { lapsed: true }));
    expect(after.map((s) => [s.from, s.until, s.basis.kind, s.lapsed])).toEqual([
      [null, '2007-12-31', 'in-house', false],
      ['2008-01-01', '2019-12-31', 'federation', false],
      ['2020-01-01', '2022-12-31', 'in-house', true],
      ['2023-01-01', null, 'federation', false],
    ]);
  });

  // The property the feed rests on: a consumer that writes the changed spans over what it had ends with exactly the new step function.
  it('writing the changed spans over the old step function gives the new one, span for span', () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((n) => addDays('2000-01-01', n));
    const value = fc.record({ basis: fc.constantFrom<Basis>(IN_HOUSE, federation, { kind: 'agreement', id: AGR }), lapsed: fc.boolean() });
    const partition = fc.tuple(fc.uniqueArray(day, { maxLength: 6 }), fc.array(value, { minLength: 7, maxLength: 7 })).map(([starts, values]) => {
      const sorted = [...starts].sort();
      const froms: (string | null)[] = [null, ...sorted];
      return froms.map((from, i) => span(from, i + 1 < froms.length ? addDays(froms[i + 1] as string, -1) : null, values[i].basis, { lapsed: values[i].lapsed }));
    });
    fc.assert(
      fc.property(partition, partition, (before, after) => {
        const folded = changedSpans(before, after).reduce(overwriteSpan, before);
        expect(folded).toHaveLength(after.length);
        folded.forEach((s, i) => expect(sameSpan(s, after[i])).toBe(true));
      }),
      { numRuns: 300 },
    );
  });
});

// ------------------------------------------------------------------ the tracker on a small log

let position = 0;
let clock = Date.parse('2024-01-01T00:00:00Z');
function recorded(stream: string, type: string, data: Record<string, unknown>): RecordedEvent {
  position += 7; // positions are not contiguous (EventStoreDB)
  clock += 1000;
  const at = new Date(clock).toISOString();
  return { id: `e${position}`, stream, revision: 0, position, type, data, metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actor: 't', source: 't', recordedAt: at, schemaVersion: 1 }, created: at };
}

function log(): RecordedEvent[] {
  position = 0;
  clock = Date.parse('2024-01-01T00:00:00Z');
  const transfer = (code: string, area: string, basis: Basis, provider: ProviderRef, effectiveFrom: string, transferId: string) =>
    recorded(`municipality-${code}`, 'ServiceTransferred', { transferId, municipality: code, serviceArea: area, basis, provider, decidedOn: '2007-06-01', effectiveFrom });
  return [
    recorded(`municipality-${LKP}`, 'MunicipalityRegistered', { code: LKP, name: 'Linköping', countyCode: '05', countyName: 'Östergötlands län' }),
    recorded(`municipality-${NKP}`, 'MunicipalityRegistered', { code: NKP, name: 'Norrköping', countyCode: '05', countyName: 'Östergötlands län' }),
    recorded('servicearea-payroll', 'ServiceAreaDefined', { slug: 'payroll', nameSv: 'Lön', nameEn: 'Payroll' }),
    recorded('servicearea-procurement', 'ServiceAreaDefined', { slug: 'procurement', nameSv: 'Upphandling', nameEn: 'Procurement' }),
    recorded(`municipality-${FSP}`, 'MunicipalityRegistered', { code: FSP, name: 'Finspång', countyCode: '05', countyName: 'Östergötlands län' }),
    recorded(`federation-${FED}`, 'FederationFormed', { id: FED, name: 'Fjärde', form: 'federation', members: [LKP, NKP], serviceAreas: ['payroll', 'procurement'], decidedOn: '2007-06-01', effectiveFrom: '2008-01-01' }),
    transfer(LKP, 'payroll', federation, fedProvider, '2008-01-01', 't1'),
    transfer(NKP, 'payroll', federation, fedProvider, '2008-01-01', 't2'),
    transfer(LKP, 'procurement', federation, fedProvider, '2008-01-01', 't3'),
    // Norrköping leaves from 2015 with no successor: its payroll lapses.
    recorded(`federation-${FED}`, 'MemberLeft', { id: FED, municipality: NKP, decidedOn: '2014-06-01', effectiveFrom: '2015-01-01', successors: [] }),
    // A future-dated agreement: Linköping buys payroll from Norrköping 2030–2032.
    recorded(`agreement-${AGR}`, 'AgreementProposed', {
      id: AGR, kind: 'service', title: 'Lön', parties: [LKP, NKP], otherParties: [], provider: { kind: 'municipality', code: NKP }, buyers: [LKP], serviceAreas: ['payroll'], validFrom: '2030-01-01', validUntil: '2032-12-31', councilApprovalRequired: false,
    }),
    transfer(LKP, 'payroll', { kind: 'agreement', id: AGR }, { kind: 'municipality', code: NKP }, '2030-01-01', 't4'),
    recorded(`agreement-${AGR}`, 'AgreementExtended', { id: AGR, validUntil: '2034-12-31', previousValidUntil: '2032-12-31', decidedOn: '2029-06-01' }),
    recorded(`federation-${FED}`, 'ReviewRecorded', { id: FED, reviewedOn: '2020-01-01', outcome: 'continue' }),
    // The transfer of Linköping's procurement was a mistake: withdrawn.
    recorded(`municipality-${LKP}`, 'CorrectionRecorded', { municipality: LKP, corrects: { transferId: 't3', type: 'ServiceTransferred' }, reason: 'wrong area' }),
    recorded(`federation-${FED}`, 'FederationDissolved', { id: FED, decidedOn: '2019-06-01', effectiveFrom: '2020-01-01', successors: [] }),
  ];
}

function run(events: RecordedEvent[]): { model: RegisterReadModel; changes: ProvisionChange[][] } {
  const model = new RegisterReadModel();
  const tracker = new ProvisionChangeTracker(model);
  const changes = events.map((e) => {
    model.apply(e);
    return tracker.observe(e);
  });
  return { model, changes };
}

const brief = (c: ProvisionChange) => `${c.municipality}/${c.serviceArea} ${c.effectiveFrom ?? '…'}–${c.until ?? '…'} ${c.basis.kind}${c.lapsed ? ` lapsed(${c.reason})` : ''}`;

describe('ProvisionChangeTracker', () => {
  const events = log();
  const { model, changes } = run(events);
  const at = (type: string) => changes[events.findIndex((e) => e.type === type)];

  it('announces every new cell in-house: municipalities × service areas, whichever comes first', () => {
    expect(changes.slice(0, 5).map((c) => c.map(brief))).toEqual([
      [],
      [],
      ['0580/payroll …–… in-house', '0581/payroll …–… in-house'],
      ['0580/procurement …–… in-house', '0581/procurement …–… in-house'],
      ['0562/payroll …–… in-house', '0562/procurement …–… in-house'],
    ]);
  });

  it('announces a transfer: the in-house span cut short and the new basis from its effective date', () => {
    const first = changes[6];
    expect(first.map(brief)).toEqual(['0580/payroll …–2007-12-31 in-house', '0580/payroll 2008-01-01–… federation']);
    expect(first[1]).toMatchObject({ provider: { kind: 'federation', id: FED, name: 'Fjärde' }, basis: { kind: 'federation', id: FED }, position: events[6].position, index: 2, of: 2, cause: { type: 'ServiceTransferred', stream: 'municipality-0580' } });
  });

  it('a departure touches only the cells on that basis of the leaving member, and announces the lapse', () => {
    expect(at('MemberLeft').map(brief)).toEqual(['0581/payroll 2008-01-01–2014-12-31 federation', '0581/payroll 2015-01-01–… in-house lapsed(left)']);
  });

  it('announces a future-dated change when it is recorded, with its effective date, and its own lapse', () => {
    expect(changes[events.findIndex((e) => e.type === 'ServiceTransferred' && e.data.transferId === 't4')].map(brief)).toEqual([
      '0580/payroll 2008-01-01–2029-12-31 federation',
      '0580/payroll 2030-01-01–2032-12-31 agreement',
      '0580/payroll 2033-01-01–… in-house lapsed(expired)',
    ]);
  });

  it('an extension moves the end of the agreement and the lapse after it', () => {
    expect(at('AgreementExtended').map(brief)).toEqual(['0580/payroll 2030-01-01–2034-12-31 agreement', '0580/payroll 2035-01-01–… in-house lapsed(expired)']);
  });

  it('events that change no provision announce nothing', () => {
    expect(at('AgreementProposed')).toEqual([]);
    expect(at('ReviewRecorded')).toEqual([]);
  });

  it('a correction that withdraws the only transfer gives the cell back in-house throughout', () => {
    expect(at('CorrectionRecorded').map(brief)).toEqual(['0580/procurement …–… in-house']);
  });

  it('a dissolution lapses the members still in it, from its effective date', () => {
    expect(at('FederationDissolved').map(brief)).toEqual(['0580/payroll 2008-01-01–2019-12-31 federation', '0580/payroll 2020-01-01–2029-12-31 in-house lapsed(dissolved)']);
  });

  it('numbers the changes of one event 1…n', () => {
    for (const list of changes) list.forEach((c, i) => expect([c.index, c.of]).toEqual([i + 1, list.length]));
  });

  it('folding every change in order gives each cell exactly the read model’s step function', () => {
    const folded = new Map<string, ProvisionSpan[]>();
    for (const c of changes.flat()) {
      const key = `${c.municipality}/${c.serviceArea}`;
      const provider: ProviderRef = c.provider.kind === 'federation' ? { kind: 'federation', id: c.provider.id } : { kind: c.provider.kind, code: c.provider.code };
      const basis: Basis = c.basis.kind === 'in-house' ? IN_HOUSE : { kind: c.basis.kind, id: c.basis.id };
      folded.set(key, overwriteSpan(folded.get(key) ?? [], { from: c.effectiveFrom, until: c.until, provider, basis, lapsed: c.lapsed, ...(c.reason ? { reason: c.reason } : {}) }));
    }
    expect(folded.size).toBe(6);
    for (const [key, spans] of folded) {
      const [code, area] = key.split('/');
      const expected = spansOf(code, model.timelineOf(code, area));
      expect(spans).toHaveLength(expected.length);
      spans.forEach((s, i) => expect(sameSpan(s, expected[i])).toBe(true));
    }
  });

  it('is deterministic: replaying the same log into a fresh read model gives the same changes, in the same order', () => {
    const again = run(events.map((e) => structuredClone(e)));
    expect(JSON.stringify(again.changes)).toEqual(JSON.stringify(changes));
    expect(changes.flat().length).toBe(22);
  });

  it('cells() lists every municipality and area with its spans, as of its position', () => {
    const replay = new RegisterReadModel();
    const tracker = new ProvisionChangeTracker(replay);
    const evts = log();
    for (const e of evts) {
      replay.apply(e);
      tracker.observe(e);
    }
    const cells = tracker.cells();
    expect(cells.position).toBe(evts.at(-1)!.position);
    expect(cells.municipalities.map((m) => m.code)).toEqual([FSP, LKP, NKP]);
    expect(cells.serviceAreas).toEqual(['payroll', 'procurement']);
    expect(cells.spansOf(FSP, 'payroll')).toEqual(defaultSpans(FSP));
    expect(cells.spansOf(LKP, 'payroll').map((s) => s.basis.kind)).toEqual(['in-house', 'federation', 'in-house', 'agreement', 'in-house']);
    expect(tracker.trackedCells).toBe(2); // 0580/payroll and 0581/payroll; the withdrawn one is in-house again
  });

  it('ignores an event it has already seen and an event of an unknown type', () => {
    const replay = new RegisterReadModel();
    const tracker = new ProvisionChangeTracker(replay);
    const evts = log();
    replay.apply(evts[0]);
    tracker.observe(evts[0]);
    expect(tracker.observe(evts[0])).toEqual([]);
    expect(tracker.observe({ ...evts[1], position: evts[1].position + 1000, type: 'SomethingNew' })).toEqual([]);
  });
});
