import fc from 'fast-check';
import { AgreementState } from '../agreement/agreement.state';
import { FederationState } from '../federation/federation.state';
import { intervalOn, KnownArrangements, ProvisionInterval, provisionTimeline, TimelineTransfer } from '../provisions/provision-timeline';
import { DomainError } from '../shared/domain-error';
import { AGREEMENT_IDS, DATES, expandPlanItem, FEDERATION_IDS, MUNICIPALITIES, plan, propertySettings, seedFromEnvironment, SERVICE_AREAS } from './testing/arbitraries';
import {
  agreementOf,
  basisKeyOf,
  federationOf,
  interestingDays,
  isRealDate,
  LoggedEvent,
  memberOn,
  membersOn,
  naiveCell,
  naiveCovers,
  naiveProvider,
  naiveSignatories,
  nextDay,
  previousDay,
  providerKeyOf,
  standingTransfers,
} from './testing/naive-register';
import { Outcome, World } from './testing/world';

/**
 * Property-based tests of the deciders (issue 7, item 3). Random sequences of valid and invalid
 * steps run through a small world that routes them to the deciders as libs/commands does
 * (testing/world.ts). After every step, rules 1–10 of docs/domain.md are checked against the
 * recorded events, with an independent naive model (testing/naive-register.ts) wherever a rule
 * spans aggregates. Each check names the rule it holds the code to.
 *
 * The seed is fixed (FC_SEED overrides it, FC_SEED=random picks one); it is in the test name and,
 * with the counterexample and its replay path, in every failure. FC_RUNS_SCALE multiplies the runs.
 */

const SEED = seedFromEnvironment();
const RUNS = 300;
const STEPS = 40;

/** The days provisions are compared on: every date the steps use and the day after each (a term's end + 1). */
const PROBE_DAYS = [...new Set([...DATES, ...DATES.map(nextDay)])].sort();

/** Fails with the rule's number, so a counterexample says at once which rule broke. */
function rule(number: number | string, holds: boolean, detail: () => string): void {
  if (!holds) throw new Error(`Rule ${number}: ${detail()}`);
}

const show = (value: unknown) => JSON.stringify(value);

/** Counts, for the coverage assertion at the end: the sequences must exercise what the rules speak of. */
const seen = new Map<string, number>();
const count = (key: string) => seen.set(key, (seen.get(key) ?? 0) + 1);

// ------------------------------------------------------------------------------------------------
// The checks, after every step

/** Every decision: a refusal is a DomainError and appends nothing; the log only grows (rule 8); dates and recording times are sound (rule 7). */
function checkAppendOnly(world: World, before: readonly LoggedEvent[], outcome: Outcome): void {
  if (outcome.refusal) rule('9/atomic', world.log.length === before.length, () => `the refused ${outcome.step.type} (${outcome.refusal?.code}) appended ${world.log.length - before.length} events`);
  rule(8, world.log.length >= before.length && before.every((e, i) => world.log[i] === e && Object.isFrozen(e.data)), () => 'an earlier event was changed or removed');
  for (const e of world.log.slice(before.length)) {
    for (const [key, value] of Object.entries(e.data as Record<string, unknown>)) {
      if (/(On|From|Until)$/.test(key) || key === 'due') rule(7, isRealDate(value), () => `${e.type}.${key} is ${show(value)}, not a calendar date`);
    }
  }
  // Each decision (the step's, then each successor transfer's) is recorded at one time, after everything before it.
  for (const decision of [outcome, ...outcome.successors]) {
    const [first] = decision.appended;
    if (!first) continue;
    const previous = world.log[first.position - 2];
    rule(7, decision.appended.every((e) => e.recordedAt === first.recordedAt) && (!previous || previous.recordedAt < first.recordedAt), () => `${decision.step.type} is not recorded after what was recorded before it`);
  }
}

/** Rule 3, both ways: a transfer is accepted exactly when its basis is in force on effectiveFrom and covers it, and names the provider the basis implies. */
function checkTransfer(world: World, logBefore: readonly LoggedEvent[], outcome: Outcome): void {
  const step = outcome.step;
  if (step.type !== 'TransferService') return;
  const registered = world.stream(`municipality-${step.municipality}`).length > 0;
  const defined = world.stream(`servicearea-${step.serviceArea}`).length > 0;
  const covers = registered && defined && naiveCovers(logBefore, step.basis, step.municipality, step.serviceArea, step.effectiveFrom);
  count(covers ? 'transfer accepted' : 'transfer refused');
  rule(3, covers === !outcome.refusal, () => `${show(step)} was ${outcome.refusal ? `refused (${outcome.refusal.code}: ${outcome.refusal.detail})` : 'accepted'}, but the naive model says the basis ${covers ? 'covers' : 'does not cover'} it`);
  for (const e of outcome.appended) {
    const expected = naiveProvider(logBefore, step.basis, step.municipality);
    const provider = e.type === 'ServiceTransferred' ? e.data.provider : undefined;
    rule(3, providerKeyOf(provider) === providerKeyOf(expected), () => `${show(step)} recorded the provider ${show(provider)}, the basis implies ${show(expected)}`);
  }
}

/** Rule 3 for a correction's replacement, and rule 8: a correction names a transfer of the same municipality (one already corrected too). */
function checkCorrection(logBefore: readonly LoggedEvent[], outcome: Outcome): void {
  for (const e of outcome.appended.filter((x) => x.type === 'CorrectionRecorded')) {
    count('correction');
    const code = e.data.municipality;
    // A correction may itself be corrected: it names any transfer of the municipality ever recorded (or recorded as a replacement).
    const recorded = logBefore.filter((x) => x.stream === `municipality-${code}`).flatMap((x) => (x.type === 'ServiceTransferred' ? [x.data.transferId] : x.type === 'CorrectionRecorded' && x.data.replacement ? [x.data.replacement.transferId] : []));
    rule(8, recorded.includes(e.data.corrects.transferId), () => `the correction names ${e.data.corrects.transferId}, not a recorded transfer of ${code}`);
    const named = e.data.corrects.transferId;
    if (logBefore.some((x) => x.type === 'CorrectionRecorded' && (x.data.corrects.transferId === named || x.data.replacement?.transferId === named))) count('correction of a correction');
    const r = e.data.replacement;
    if (r) {
      rule(3, naiveCovers(logBefore, r.basis, code, r.serviceArea, r.effectiveFrom), () => `the replacement ${show(r)} rests on a basis that does not cover it`);
      rule(3, providerKeyOf(r.provider) === providerKeyOf(naiveProvider(logBefore, r.basis, code)), () => `the replacement names the provider ${show(r.provider)}`);
    }
  }
}

/** Rule 5: every successor names a provision the decision ends, and becomes a transfer on the municipality's stream, effective the same day. */
function checkSuccessors(world: World, logBefore: readonly LoggedEvent[], outcome: Outcome): void {
  const deciding = outcome.appended.find((e) => e.type === 'MemberLeft' || e.type === 'FederationDissolved' || e.type === 'AgreementTerminated');
  if (!deciding) return;
  const named = deciding.data.successors as { municipality: string; serviceArea: string; basis: { kind: string; id?: string } }[];
  if (named.length > 0) count('successors');
  named.forEach((s, index) => {
    if (deciding.type === 'AgreementTerminated') {
      const a = agreementOf(logBefore, deciding.data.id);
      rule(5, !!a && a.buyers.includes(s.municipality) && a.areas.includes(s.serviceArea), () => `the termination names a successor ${show(s)} for nothing it ends`);
    } else {
      const f = federationOf(logBefore, deciding.data.id);
      const ends = deciding.type === 'MemberLeft' ? s.municipality === deciding.data.municipality : !!f && memberOn(f, s.municipality, previousDay(deciding.data.effectiveFrom));
      rule(5, !!f && ends && f.areas.includes(s.serviceArea), () => `${deciding.type} names a successor ${show(s)} for nothing it ends`);
    }
    const transfer = outcome.successors[index];
    rule(5, !!transfer && !transfer.refusal, () => `the successor ${show(s)} was accepted by the deciding command but refused as a transfer: ${transfer?.refusal?.code} ${transfer?.refusal?.detail}`);
    const recorded = transfer.appended[0];
    rule(
      5,
      recorded.stream === `municipality-${s.municipality}` &&
        recorded.type === 'ServiceTransferred' &&
        recorded.data.effectiveFrom === deciding.data.effectiveFrom &&
        basisKeyOf(recorded.data.basis) === basisKeyOf(s.basis as never) &&
        recorded.data.successorOf?.eventId === deciding.id,
      () => `the successor transfer ${show(recorded)} does not match ${show(s)} of ${deciding.type}`,
    );
    checkTransfer(world, world.log.slice(0, recorded.position - 1), transfer);
  });
}

/** Rule 6, as a model for sign and council steps and as invariants of every agreement. */
function checkAgreements(world: World, logBefore: readonly LoggedEvent[], outcome: Outcome): void {
  const step = outcome.step;
  if (step.type === 'SignAgreement' || step.type === 'RecordCouncilDecision') {
    const a = agreementOf(logBefore, step.id);
    const open = !!a && !a.rejected && a.terminatedFrom === undefined;
    const expected =
      step.type === 'SignAgreement'
        ? open && naiveSignatories(a).includes(step.party) && !a.signed.includes(step.party)
        : open && a.parties.includes(step.municipality) && !a.decided.some((d) => d.municipality === step.municipality);
    rule(6, expected === !outcome.refusal, () => `${show(step)} was ${outcome.refusal ? `refused (${outcome.refusal.code})` : 'accepted'}; only parties sign, only party councils decide, each once, while the agreement is open`);
  }
  for (const id of AGREEMENT_IDS) {
    const events = world.stream(`agreement-${id}`);
    const a = agreementOf(world.log, id);
    if (!a) continue;
    const signatories = naiveSignatories(a);
    rule(6, a.signed.every((p) => signatories.includes(p)) && new Set(a.signed).size === a.signed.length, () => `${id} has signatures ${show(a.signed)} from outside ${show(signatories)} or twice`);
    rule(6, a.decided.every((d) => a.parties.includes(d.municipality)) && new Set(a.decided.map((d) => d.municipality)).size === a.decided.length, () => `${id} has council decisions ${show(a.decided)}`);
    const conclusions = events.filter((e) => e.type === 'AgreementConcluded');
    const complete = signatories.every((p) => a.signed.includes(p)) && (!a.approvalRequired || a.parties.every((p) => a.decided.some((d) => d.municipality === p && d.outcome === 'approved')));
    rule(6, conclusions.length === (complete ? 1 : 0), () => `${id} is ${complete ? '' : 'not '}signed and approved by all, and has ${conclusions.length} conclusions`);
    const rejectedBy = a.decided.some((d) => d.outcome === 'rejected') && a.approvalRequired;
    rule(6, a.rejected === rejectedBy && !(a.rejected && a.concluded), () => `${id}: rejected ${a.rejected}, concluded ${a.concluded}, with decisions ${show(a.decided)}`);
    if (conclusions.length === 1) {
      const dates = [...events.filter((e) => e.type === 'AgreementSigned').map((e) => e.data.signedOn), ...(a.approvalRequired ? events.filter((e) => e.type === 'CouncilDecisionRecorded').map((e) => e.data.decidedOn) : [])];
      rule(6, conclusions[0].data.concludedOn === dates.sort().at(-1), () => `${id} is concluded on ${conclusions[0].data.concludedOn}, not on its last signature or approval (${dates.sort().at(-1)})`);
      count('agreement concluded');
    }
  }
}

/** Rule 9: deciding an accepted command again changes nothing (RecordReview excepted: reviews repeat; the command path deduplicates it by command id). */
function checkRepeat(outcome: Outcome): void {
  const all = [outcome, ...outcome.successors];
  for (const o of all) {
    if (o.refusal || !o.repeat || o.step.type === 'RecordReview' || o.appended.length === 0) continue;
    let again: unknown[] = [];
    try {
      again = o.repeat();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
    rule(9, again.length === 0, () => `${o.step.type} sent again produced ${show(again)}`);
  }
}

/** Rule 10: a federation has at least two members on every day it exists, and a joint committee's host is always one of them. */
function checkFederations(world: World, days: readonly string[]): void {
  for (const id of FEDERATION_IDS) {
    const f = federationOf(world.log, id);
    if (!f) continue;
    count(`${f.form} formed`);
    for (const day of [f.formedFrom, ...days.filter((d) => d > f.formedFrom && (f.dissolvedFrom === undefined || d < f.dissolvedFrom))]) {
      const members = membersOn(f, day);
      rule(10, members.length >= 2, () => `${id} has members ${show(members)} on ${day}`);
      if (f.form === 'joint-committee') rule(10, f.host !== undefined && members.includes(f.host), () => `the joint committee ${id} has host ${f.host}, not among ${show(members)} on ${day}`);
    }
    if (f.memberships.some((m) => m.until !== undefined)) count('member left');
    if (f.dissolvedFrom !== undefined) count('dissolved');
  }
}

/** The arrangements as the register knows them now, folded by the deciders themselves. */
function knownNow(world: World): KnownArrangements {
  const federations = new Map<string, FederationState>();
  const agreements = new Map<string, AgreementState>();
  for (const id of FEDERATION_IDS) if (world.stream(`federation-${id}`).length > 0) federations.set(id, world.federation(id));
  for (const id of AGREEMENT_IDS) if (world.stream(`agreement-${id}`).length > 0) agreements.set(id, world.agreement(id));
  return { federations, agreements };
}

/**
 * Rules 1, 2 and 4: the step function covers every day exactly once (1), and on every probe day it
 * answers what the naive model answers: the transfer in force by rule 2, or a lapse to in-house
 * from the day its basis ended (4), with the same first and last day.
 */
function checkProvisions(world: World, days: readonly string[]): void {
  const known = knownNow(world);
  for (const code of MUNICIPALITIES) {
    for (const area of SERVICE_AREAS) {
      const standing = standingTransfers(world.log, code, area);
      const transfers: TimelineTransfer[] = standing.map((t) => ({ transferId: t.transferId, basis: t.basis, provider: t.provider, decidedOn: t.decidedOn, effectiveFrom: t.effectiveFrom, order: t.position, recordedAt: t.recordedAt }));
      const timeline = provisionTimeline(code, transfers, known);
      checkCoversEveryDay(timeline, `${code}/${area}`);
      const naive = naiveCell(world.log, code, area, days);
      for (const day of PROBE_DAYS) {
        const interval = intervalOn(timeline, day);
        const expected = naive(day);
        const actual = {
          basis: basisKeyOf(interval.basis),
          provider: providerKeyOf(interval.provider ?? { kind: 'municipality', code }),
          lapsed: interval.lapsed,
          since: interval.from,
          until: interval.to === undefined ? undefined : previousDay(interval.to),
        };
        const wanted = { basis: basisKeyOf(expected.basis), provider: providerKeyOf(expected.provider), lapsed: expected.lapsed, since: expected.since, until: expected.until };
        rule(actual.lapsed ? 4 : 2, show(actual) === show(wanted), () => `${code}/${area} on ${day}: the timeline says ${show(actual)}, the naive model ${show(wanted)}`);
        if (expected.lapsed) count('lapsed');
        else if (expected.basis.kind !== 'in-house') count('provided on a basis');
      }
    }
  }
}

function checkCoversEveryDay(timeline: readonly ProvisionInterval[], cell: string): void {
  rule(1, timeline.length > 0 && timeline[0].from === undefined && timeline[timeline.length - 1].to === undefined, () => `${cell}: the timeline does not run from the beginning to the end: ${show(timeline)}`);
  timeline.forEach((interval, i) => {
    if (i > 0) rule(1, interval.from === timeline[i - 1].to, () => `${cell}: a gap or overlap between ${show(timeline[i - 1])} and ${show(interval)}`);
    if (interval.from !== undefined && interval.to !== undefined) rule(1, interval.from < interval.to, () => `${cell}: an empty interval ${show(interval)}`);
  });
}

// ------------------------------------------------------------------------------------------------

describe(`the deciders under random command sequences (seed ${SEED}; FC_SEED to change it)`, () => {
  it(`keep rules 1–10 after every step of ${RUNS} sequences of up to ${STEPS} steps (seed ${SEED})`, () => {
    fc.assert(
      fc.property(plan(STEPS), (items) => {
        const world = new World(MUNICIPALITIES, SERVICE_AREAS);
        for (const item of items) {
          for (const step of expandPlanItem(item, world)) {
            const before = [...world.log];
            const outcome = world.run(step);
            count(outcome.refusal ? `refused: ${outcome.refusal.code}` : `accepted: ${step.type}`);
            checkAppendOnly(world, before, outcome);
            checkTransfer(world, before, outcome);
            checkCorrection(before, outcome);
            checkSuccessors(world, before, outcome);
            checkAgreements(world, before, outcome);
            checkRepeat(outcome);
            const days = interestingDays(world.log);
            checkFederations(world, days);
            if (world.log.length > before.length) checkProvisions(world, days);
          }
        }
      }),
      propertySettings(SEED, RUNS),
    );
  });

  // FC_STATS=1 prints how often each outcome came up (to tune the generators).
  afterAll(() => {
    if (process.env.FC_STATS) console.log([...seen.entries()].sort());
  });

  it('exercised every rule: accepted and refused transfers, lapses, successors, conclusions, departures and dissolutions', () => {
    // Guards the generators: if a change made them stop producing these, the properties above would pass vacuously.
    for (const key of ['transfer accepted', 'transfer refused', 'provided on a basis', 'lapsed', 'successors', 'agreement concluded', 'member left', 'dissolved', 'joint-committee formed', 'correction', 'correction of a correction', 'accepted: ExtendAgreement', 'accepted: TerminateAgreement', 'refused: too-few-members', 'refused: basis-not-in-force']) {
      expect({ key, seen: (seen.get(key) ?? 0) > 0 }).toEqual({ key, seen: true });
    }
  });
});
