/**
 * Seed story S1 — Fjärde storstadsregionen (seed 000), at the decider level: the federation,
 * agreement and municipality deciders folded over an in-memory log, and the provisions read with
 * provisionTimeline + intervalOn.
 */
import { Decider, fold } from '../shared/decider';
import { Basis, Successor } from '../shared/provider-basis';
import { federationDecider } from '../federation/federation.decider';
import { FederationEvent } from '../federation/federation.events';
import { agreementDecider } from '../agreement/agreement.decider';
import { AgreementEvent } from '../agreement/agreement.events';
import { municipalityDecider } from '../municipality/municipality.decider';
import { MunicipalityEvent } from '../municipality/municipality.events';
import { ResolvedBases } from '../provisions/coverage';
import { intervalOn, provisionTimeline, TimelineTransfer } from '../provisions/provision-timeline';
import { LINKOPING, NORRKOPING } from '../testing/fixtures';

const FED = 'fjarde-storstadsregionen';
const AGR = 'lkp-buys-payroll-2020';

/** Streams of events with a global order, so that "as known at" is "the first n events of the log". */
class Log {
  readonly entries: { stream: string; event: unknown; order: number }[] = [];

  events<E>(stream: string, upTo = Infinity): E[] {
    return this.entries.filter((e) => e.stream === stream && e.order <= upTo).map((e) => e.event as E);
  }

  execute<C, E, S>(decider: Decider<C, E, S>, stream: string, command: C): E[] {
    const events = decider.decide(command, fold(decider, this.events<E>(stream)));
    for (const event of events) this.entries.push({ stream, event, order: this.entries.length + 1 });
    return events;
  }

  get position(): number {
    return this.entries.length;
  }

  federation = (upTo = Infinity) => fold(federationDecider, this.events<FederationEvent>(`federation-${FED}`, upTo));
  agreement = (upTo = Infinity) => fold(agreementDecider, this.events<AgreementEvent>(`agreement-${AGR}`, upTo));

  bases(upTo = Infinity): ResolvedBases {
    const agreement = this.agreement(upTo);
    return { federations: { [FED]: this.federation(upTo) }, agreements: agreement.status === 'none' ? {} : { [AGR]: agreement } };
  }

  /** The provision timeline of one municipality and area, as the register knew it after event `upTo`. */
  timeline(municipality: string, serviceArea: string, upTo = Infinity) {
    const transfers: TimelineTransfer[] = this.entries
      .filter((e) => e.stream === `municipality-${municipality}` && e.order <= upTo)
      .flatMap((e) => {
        const event = e.event as MunicipalityEvent;
        if (event.type !== 'ServiceTransferred' || event.data.serviceArea !== serviceArea) return [];
        const { transferId, basis, provider, decidedOn, effectiveFrom } = event.data;
        return [{ transferId, basis, provider, decidedOn, effectiveFrom, order: e.order, recordedAt: `order-${e.order}` }];
      });
    const agreement = this.agreement(upTo);
    return provisionTimeline(municipality, transfers, {
      federations: new Map([[FED, this.federation(upTo)]]),
      agreements: new Map(agreement.status === 'none' ? [] : [[AGR, agreement]]),
    });
  }
}

const transfer = (transferId: string, serviceArea: string, basis: Basis, decidedOn: string, effectiveFrom: string, bases: ResolvedBases) => ({
  type: 'TransferService' as const,
  transferId,
  serviceArea,
  basis,
  decidedOn,
  effectiveFrom,
  bases,
});

/** Plays S1 up to the restructuring. Returns the log and the position just after the proposal. */
function playS1(options: { extendTo?: string } = {}) {
  const log = new Log();
  const fedBasis: Basis = { kind: 'federation', id: FED };

  for (const [code, name] of [
    [LINKOPING, 'Linköping'],
    [NORRKOPING, 'Norrköping'],
  ])
    log.execute(municipalityDecider, `municipality-${code}`, { type: 'RegisterMunicipality', code, name, countyCode: '05', countyName: 'Östergötlands län' });

  // 2008-01-01 (assumed): the federation is formed and both members hand both areas to it.
  log.execute(federationDecider, `federation-${FED}`, {
    type: 'FormFederation',
    id: FED,
    name: 'Kommunalförbundet 4:e storstadsregionen',
    form: 'federation',
    members: [LINKOPING, NORRKOPING],
    serviceAreas: ['payroll', 'procurement'],
    decidedOn: '2007-06-01',
    effectiveFrom: '2008-01-01',
  });
  for (const code of [LINKOPING, NORRKOPING])
    for (const area of ['payroll', 'procurement'])
      log.execute(municipalityDecider, `municipality-${code}`, transfer(`${code}-${area}-2008`, area, fedBasis, '2007-06-01', '2008-01-01', log.bases()));

  // 2019-10-07: the restructuring is proposed; Linköping buys payroll and HR administration from Norrköping.
  log.execute(agreementDecider, `agreement-${AGR}`, {
    type: 'ProposeAgreement',
    id: AGR,
    kind: 'service',
    title: 'Linköping köper löne- och HR-administration av Norrköping',
    parties: [LINKOPING, NORRKOPING],
    otherParties: [],
    provider: { kind: 'municipality', code: NORRKOPING },
    buyers: [LINKOPING],
    serviceAreas: ['payroll', 'hr-administration'],
    validFrom: '2020-01-01',
    validUntil: '2022-12-31',
    councilApprovalRequired: true,
    decidedOn: '2019-10-07',
  });
  const afterProposal = log.position;

  log.execute(agreementDecider, `agreement-${AGR}`, { type: 'SignAgreement', party: LINKOPING, signedOn: '2019-10-07' });
  log.execute(agreementDecider, `agreement-${AGR}`, { type: 'SignAgreement', party: NORRKOPING, signedOn: '2019-10-07' });
  // The councils decide in 2019-11 and 2019-12 (assumed); the second approval concludes it.
  log.execute(agreementDecider, `agreement-${AGR}`, { type: 'RecordCouncilDecision', municipality: NORRKOPING, decidedOn: '2019-11-25', outcome: 'approved', reference: 'KF § 201' });
  const concluding = log.execute(agreementDecider, `agreement-${AGR}`, { type: 'RecordCouncilDecision', municipality: LINKOPING, decidedOn: '2019-12-16', outcome: 'approved', reference: 'KF § 236' });
  const beforeDissolution = log.position;

  // The federation is dissolved from 2020-01-01, naming a successor for every provision it ends.
  const successors: Successor[] = [
    { municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'agreement', id: AGR } },
    { municipality: LINKOPING, serviceArea: 'procurement', basis: { kind: 'in-house' } },
    { municipality: NORRKOPING, serviceArea: 'payroll', basis: { kind: 'in-house' } },
    { municipality: NORRKOPING, serviceArea: 'procurement', basis: { kind: 'in-house' } },
  ];
  const dissolved = log.execute(federationDecider, `federation-${FED}`, {
    type: 'DissolveFederation',
    decidedOn: '2019-12-16',
    effectiveFrom: '2020-01-01',
    successors,
    successorBases: log.bases(),
  });
  // Rule 5: each successor becomes a transfer effective the same day, on the municipality's own stream.
  for (const s of successors)
    log.execute(municipalityDecider, `municipality-${s.municipality}`, {
      ...transfer(`${s.municipality}-${s.serviceArea}-2020`, s.serviceArea, s.basis, '2019-12-16', '2020-01-01', log.bases()),
      successorOf: { stream: `federation-${FED}`, eventId: 'dissolution', type: 'FederationDissolved' },
    });

  if (options.extendTo) log.execute(agreementDecider, `agreement-${AGR}`, { type: 'ExtendAgreement', validUntil: options.extendTo, decidedOn: '2022-06-01' });
  return { log, afterProposal, beforeDissolution, concluding, dissolved };
}

describe('S1 — Fjärde storstadsregionen', () => {
  it('the last council approval concludes the agreement on its date', () => {
    const { concluding, log } = playS1();
    expect(concluding.map((e) => e.type)).toEqual(['CouncilDecisionRecorded', 'AgreementConcluded']);
    expect(concluding[1]).toEqual({ type: 'AgreementConcluded', data: { id: AGR, concludedOn: '2019-12-16' } });
    expect(log.agreement().status).toBe('concluded');
  });

  it('the dissolution is recorded with its successors', () => {
    const { dissolved, log } = playS1();
    expect(dissolved).toHaveLength(1);
    expect(dissolved[0].type).toBe('FederationDissolved');
    expect(log.federation().status).toBe('dissolved');
  });

  it("Linköping's payroll: the federation on 2019-12-31, Norrköping on the agreement on 2020-01-01", () => {
    const { log } = playS1();
    const payroll = log.timeline(LINKOPING, 'payroll');
    expect(intervalOn(payroll, '2019-12-31')).toMatchObject({ basis: { kind: 'federation', id: FED }, provider: { kind: 'federation', id: FED }, lapsed: false, from: '2008-01-01', to: '2020-01-01' });
    expect(intervalOn(payroll, '2020-01-01')).toMatchObject({
      basis: { kind: 'agreement', id: AGR },
      provider: { kind: 'municipality', code: NORRKOPING },
      lapsed: false,
      from: '2020-01-01',
      to: '2023-01-01',
    });
    expect(intervalOn(payroll, '2022-12-31').basis).toEqual({ kind: 'agreement', id: AGR });
  });

  it("on 2023-01-01 Linköping's payroll has lapsed to in-house because the agreement expired", () => {
    const { log } = playS1();
    const payroll = intervalOn(log.timeline(LINKOPING, 'payroll'), '2023-01-01');
    expect(payroll).toMatchObject({ basis: { kind: 'in-house' }, lapsed: true, from: '2023-01-01', end: { on: '2023-01-01', reason: 'expired' } });
    expect(payroll.transfer?.basis).toEqual({ kind: 'agreement', id: AGR });
  });

  it('…unless the agreement was extended', () => {
    const { log } = playS1({ extendTo: '2025-12-31' });
    const payroll = log.timeline(LINKOPING, 'payroll');
    expect(intervalOn(payroll, '2023-01-01')).toMatchObject({ basis: { kind: 'agreement', id: AGR }, provider: { kind: 'municipality', code: NORRKOPING }, lapsed: false });
    expect(intervalOn(payroll, '2026-01-01')).toMatchObject({ lapsed: true, end: { reason: 'expired' } });
  });

  it('procurement returns in-house to both, and Norrköping keeps payroll in-house, with no lapse', () => {
    const { log } = playS1();
    for (const [code, area] of [
      [LINKOPING, 'procurement'],
      [NORRKOPING, 'procurement'],
      [NORRKOPING, 'payroll'],
    ]) {
      const timeline = log.timeline(code, area);
      expect(intervalOn(timeline, '2019-12-31').basis).toEqual({ kind: 'federation', id: FED });
      expect(intervalOn(timeline, '2020-01-01')).toMatchObject({ basis: { kind: 'in-house' }, lapsed: false });
      expect(intervalOn(timeline, '2023-01-01')).toMatchObject({ basis: { kind: 'in-house' }, lapsed: false });
      expect(timeline.some((i) => i.lapsed)).toBe(false);
    }
  });

  it('as known after the proposal but before the dissolution and new transfers, Linköping payroll on 2020-06-01 is still the federation', () => {
    const { log, afterProposal, beforeDissolution } = playS1();
    for (const knownAt of [afterProposal, beforeDissolution]) {
      expect(intervalOn(log.timeline(LINKOPING, 'payroll', knownAt), '2020-06-01')).toMatchObject({ basis: { kind: 'federation', id: FED }, lapsed: false });
    }
    expect(intervalOn(log.timeline(LINKOPING, 'payroll'), '2020-06-01').basis).toEqual({ kind: 'agreement', id: AGR });
  });

  it('without the successor transfers, the dissolution would lapse Linköping payroll (rule 4 is never silent)', () => {
    const { log, dissolved } = playS1();
    const dissolutionOrder = log.entries.find((e) => e.event === dissolved[0])!.order;
    expect(intervalOn(log.timeline(LINKOPING, 'payroll', dissolutionOrder), '2020-01-01')).toMatchObject({ lapsed: true, end: { on: '2020-01-01', reason: 'dissolved' } });
  });
});
