import type { RecordedEvent } from '@samverkan/event-store';
import { deserialize, serialize } from 'node:v8';
import { RegisterReadModel } from '../register-read-model';

const LKP = '0580';
const FED = 'fed';

let position = 0;
const minute = 60_000;
/** The instant of position `p` (each event is recorded a minute after the one before). */
const instant = (p: number) => new Date(p * minute).toISOString();
function recorded(stream: string, type: string, data: Record<string, unknown>): RecordedEvent {
  position += 1;
  const at = instant(position);
  return { id: `e${position}`, stream, revision: 0, position, type, data, metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actor: 't', source: 't', recordedAt: at, schemaVersion: 1 }, created: at };
}

function given(...events: RecordedEvent[]): RegisterReadModel {
  const model = new RegisterReadModel();
  for (const e of events) model.apply(e);
  return model;
}

const facts = (transferId: string, effectiveFrom: string, basis: Record<string, unknown> = { kind: 'federation', id: FED }, serviceArea = 'payroll') => ({
  transferId,
  municipality: LKP,
  serviceArea,
  basis,
  provider: basis.kind === 'in-house' ? { kind: 'municipality', code: LKP } : { kind: 'federation', id: FED },
  decidedOn: effectiveFrom,
  effectiveFrom,
});
const formed = () => recorded(`federation-${FED}`, 'FederationFormed', { id: FED, name: FED, form: 'federation', members: [LKP, '0581'], serviceAreas: ['payroll', 'procurement'], decidedOn: '2008-01-01', effectiveFrom: '2008-01-01' });
const transferred = (transferId: string, effectiveFrom: string, basis?: Record<string, unknown>) => recorded(`municipality-${LKP}`, 'ServiceTransferred', facts(transferId, effectiveFrom, basis));
const corrected = (transferId: string, replacement?: ReturnType<typeof facts>) =>
  recorded(`municipality-${LKP}`, 'CorrectionRecorded', { municipality: LKP, corrects: { transferId, type: 'ServiceTransferred' }, reason: 'r', ...(replacement ? { replacement } : {}) });

/** The history reduced to first days, bases and the decision's marks. */
const brief = (model: RegisterReadModel, knownAtMs?: number, area = 'payroll') =>
  model.history(LKP, area, knownAtMs).map((e) => ({
    from: e.from,
    basis: e.basis.kind,
    ...(e.corrects ? { corrects: `${e.corrects.transferId}@${e.corrects.eventId}` } : {}),
    ...(e.correctedBy ? { correctedBy: e.correctedBy.eventId } : {}),
  }));

describe('decision: corrections stay visible in the history', () => {
  beforeEach(() => {
    position = 0;
  });

  it('given a transfer replaced by a correction, when the history is asked, then the corrected one is listed with correctedBy and the replacement with corrects', () => {
    // e1 formed, e2 t-1, e3 the correction replacing it by r-1.
    const model = given(formed(), transferred('t-1', '2019-01-01'), corrected('t-1', facts('r-1', '2019-02-01', { kind: 'in-house' })));
    expect(brief(model)).toEqual([
      { from: null, basis: 'in-house' },
      { from: '2019-01-01', basis: 'federation', correctedBy: 'e3' },
      { from: '2019-02-01', basis: 'in-house', corrects: 't-1@e2' },
    ]);
    expect(model.history(LKP, 'payroll')[1].correctedBy).toEqual({ type: 'CorrectionRecorded', eventId: 'e3', recordedAt: instant(3) });
    expect(model.history(LKP, 'payroll')[2].corrects).toEqual({ transferId: 't-1', type: 'ServiceTransferred', eventId: 'e2', recordedAt: instant(2) });
  });

  it('given a correction, when the history is asked as known before it, then it is the old one', () => {
    const model = given(formed(), transferred('t-1', '2019-01-01'), corrected('t-1', facts('r-1', '2019-02-01', { kind: 'in-house' })));
    expect(brief(model, Date.parse(instant(2)))).toEqual([
      { from: null, basis: 'in-house' },
      { from: '2019-01-01', basis: 'federation' },
    ]);
  });

  it('given a correction corrected again (naming the same transfer), when asked now, then the latest correction holds and the earlier replacement is marked correctedBy', () => {
    // e2 t-1; e3 replaces it by r-1 from 2019-02-01; e4 corrects t-1 again: r-2 from 2019-03-01.
    const model = given(formed(), transferred('t-1', '2019-01-01'), corrected('t-1', facts('r-1', '2019-02-01')), corrected('t-1', facts('r-2', '2019-03-01')));
    expect(brief(model)).toEqual([
      { from: null, basis: 'in-house' },
      { from: '2019-01-01', basis: 'federation', correctedBy: 'e3' },
      { from: '2019-02-01', basis: 'federation', corrects: 't-1@e2', correctedBy: 'e4' },
      { from: '2019-03-01', basis: 'federation', corrects: 't-1@e2' },
    ]);
    expect(model.provision(LKP, 'payroll', '2019-02-15')).toMatchObject({ basis: { kind: 'in-house' }, since: null });
    expect(model.provision(LKP, 'payroll', '2019-03-15')).toMatchObject({ basis: { kind: 'federation', id: FED }, since: '2019-03-01' });
    // As known between the corrections: the first one holds, not yet corrected.
    expect(brief(model, Date.parse(instant(3)))).toEqual([
      { from: null, basis: 'in-house' },
      { from: '2019-01-01', basis: 'federation', correctedBy: 'e3' },
      { from: '2019-02-01', basis: 'federation', corrects: 't-1@e2' },
    ]);
    expect(model.provision(LKP, 'payroll', '2019-02-15', Date.parse(instant(3)))).toMatchObject({ since: '2019-02-01' });
  });

  it('given a replacement corrected by naming it, when asked, then its replacement corrects the correction (its event) and the withdrawn line leaves the older transfer in force', () => {
    // e2 t-0 (2018), e3 t-1; e4 replaces t-1 by r-1; e5 withdraws r-1.
    const model = given(formed(), transferred('t-0', '2018-01-01', { kind: 'in-house' }), transferred('t-1', '2019-01-01'), corrected('t-1', facts('r-1', '2019-02-01')), corrected('r-1'));
    expect(brief(model)).toEqual([
      { from: null, basis: 'in-house' },
      { from: '2018-01-01', basis: 'in-house' },
      { from: '2019-01-01', basis: 'federation', correctedBy: 'e4' },
      { from: '2019-02-01', basis: 'federation', corrects: 't-1@e3', correctedBy: 'e5' },
    ]);
    expect(model.provision(LKP, 'payroll', '2019-06-01')).toMatchObject({ basis: { kind: 'in-house' }, since: '2018-01-01' });
  });

  it('given a replacement corrected with a replacement of its own, when asked, then the new one corrects the replacement by the correction event that recorded it', () => {
    const again = given(formed(), transferred('t-1', '2019-01-01'), corrected('t-1', facts('r-1', '2019-02-01')), corrected('r-1', facts('r-2', '2019-04-01')));
    expect(again.history(LKP, 'payroll').at(-1)?.corrects).toEqual({ transferId: 'r-1', type: 'CorrectionRecorded', eventId: 'e3', recordedAt: instant(3) });
  });

  it('given a withdrawn line corrected again with a replacement in another area, when asked, then both cells answer the latest correction', () => {
    const model = given(formed(), transferred('t-1', '2019-01-01'), corrected('t-1'), corrected('t-1', facts('r-1', '2019-01-01', { kind: 'federation', id: FED }, 'procurement')));
    model.matrix('2019-06-01'); // cached
    expect(brief(model)).toEqual([
      { from: null, basis: 'in-house' },
      { from: '2019-01-01', basis: 'federation', correctedBy: 'e3' },
    ]);
    expect(brief(model, undefined, 'procurement')).toEqual([
      { from: null, basis: 'in-house' },
      { from: '2019-01-01', basis: 'federation', corrects: 't-1@e2' },
    ]);
  });

  it('given corrections of corrections, when the model is restored from a snapshot, then it answers the same and goes on the same', () => {
    const events = [formed(), transferred('t-1', '2019-01-01'), corrected('t-1', facts('r-1', '2019-02-01')), corrected('t-1', facts('r-2', '2019-03-01'))];
    const next = corrected('r-1', facts('r-3', '2019-05-01'));
    const original = given(...events);
    const restored = new RegisterReadModel();
    restored.importState(deserialize(serialize(original.exportState())));
    expect(brief(restored)).toEqual(brief(original));
    original.apply(next);
    restored.apply(next);
    expect(brief(restored)).toEqual(brief(original));
    expect(brief(original).at(-1)).toEqual({ from: '2019-05-01', basis: 'federation', corrects: 'r-1@e3' });
    expect(original.provision(LKP, 'payroll', '2019-04-01')).toMatchObject({ since: null, basis: { kind: 'in-house' } });
  });
});
