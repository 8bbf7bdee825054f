/**
 * Random command sequences for the property tests: valid and invalid steps over a few
 * municipalities, service areas, federations, agreements and a study. The pools are small on
 * purpose, so that steps run into one another: the same federation is joined, left and dissolved,
 * transfers name agreements that are proposed, concluded or not, dates collide on the same days.
 */
import fc from 'fast-check';
import { AgreementState } from '../../agreement/agreement.state';
import { FederationState } from '../../federation/federation.state';
import { Basis, ProviderRef, Successor } from '../../shared/provider-basis';
import { Step } from './world';

export const MUNICIPALITIES = ['0580', '0581', '0562', '0483', '0561'] as const;
/** Not registered: transfers for it are refused. */
export const UNREGISTERED = '0999';
export const SERVICE_AREAS = ['payroll', 'procurement', 'it-support'] as const;
/** Not defined: transfers of it are refused. */
export const UNDEFINED_AREA = 'switchboard';
export const FEDERATION_IDS = ['fed-a', 'fed-b'] as const;
export const AGREEMENT_IDS = ['agr-a', 'agr-b'] as const;
export const STUDY_IDS = ['study-a'] as const;
export const MILESTONE_IDS = ['m1', 'm2'] as const;
/** A party without a code, which signs by its name (a region signs by its code: domain.md, Decisions, a party is one party). */
export const OTHER_PARTIES = ['Tillväxtverket'] as const;

/** Few dates, many collisions, with the boundaries rule 4 cares about (31 Dec / 1 Jan). */
export const DATES = ['2018-01-01', '2018-07-01', '2019-01-01', '2019-06-15', '2019-12-31', '2020-01-01', '2020-07-01', '2021-01-01', '2021-12-31', '2022-01-01', '2022-12-31', '2023-01-01', '2024-01-01'] as const;

const date = fc.constantFrom(...DATES);
const municipality = fc.constantFrom(...MUNICIPALITIES);
const area = fc.constantFrom(...SERVICE_AREAS);
const federationId = fc.constantFrom(...FEDERATION_IDS);
const agreementId = fc.constantFrom(...AGREEMENT_IDS);
const someMunicipalities = (min: number, max: number): fc.Arbitrary<string[]> => fc.uniqueArray(municipality, { minLength: min, maxLength: max });

export const basis: fc.Arbitrary<Basis> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Basis>({ kind: 'in-house' }) },
  { weight: 3, arbitrary: federationId.map((id): Basis => ({ kind: 'federation', id })) },
  { weight: 1, arbitrary: federationId.map((id): Basis => ({ kind: 'joint-committee', id })) },
  { weight: 3, arbitrary: agreementId.map((id): Basis => ({ kind: 'agreement', id })) },
);

const provider: fc.Arbitrary<ProviderRef> = fc.oneof(
  { weight: 3, arbitrary: municipality.map((code): ProviderRef => ({ kind: 'municipality', code })) },
  { weight: 2, arbitrary: federationId.map((id): ProviderRef => ({ kind: 'federation', id })) },
  { weight: 1, arbitrary: fc.constant<ProviderRef>({ kind: 'region', code: '05' }) },
);

const successors: fc.Arbitrary<Successor[]> = fc.array(fc.record({ municipality, serviceArea: area, basis }), { maxLength: 2 });

const formFederation: fc.Arbitrary<Step> = fc
  .record({ id: federationId, jointCommittee: fc.boolean(), members: someMunicipalities(1, 4), hostIndex: fc.nat(), serviceAreas: fc.uniqueArray(area, { minLength: 1, maxLength: 3 }), decidedOn: date, effectiveFrom: date })
  .map(({ jointCommittee, hostIndex, ...f }): Step => ({
    type: 'FormFederation',
    ...f,
    form: jointCommittee ? 'joint-committee' : 'federation',
    // Mostly a host among the members, sometimes another municipality (refused: rule 10).
    ...(jointCommittee ? { host: hostIndex % 5 === 4 ? MUNICIPALITIES[hostIndex % MUNICIPALITIES.length] : f.members[hostIndex % f.members.length] } : {}),
  }));

const proposeAgreement: fc.Arbitrary<Step> = fc
  .record({
    id: agreementId,
    kind: fc.constantFrom<'service' | 'intent' | 'cooperation'>('service', 'service', 'service', 'intent', 'cooperation'),
    parties: someMunicipalities(1, 3),
    otherParty: fc.boolean(),
    provider,
    buyerCount: fc.integer({ min: 0, max: 2 }),
    serviceAreas: fc.uniqueArray(area, { minLength: 1, maxLength: 3 }),
    validFrom: date,
    validUntil: fc.option(date, { nil: undefined }),
    councilApprovalRequired: fc.boolean(),
    decidedOn: fc.option(date, { nil: undefined }),
  })
  .map(({ otherParty, provider: p, buyerCount, kind, ...a }): Step => {
    const parties = p.kind === 'municipality' && !a.parties.includes(p.code) ? [...a.parties, p.code] : a.parties;
    const buyers = kind === 'service' ? parties.filter((m) => p.kind !== 'municipality' || m !== p.code).slice(0, buyerCount) : [];
    return {
      type: 'ProposeAgreement',
      ...a,
      kind,
      parties,
      otherParties: otherParty ? [...OTHER_PARTIES] : [],
      ...(kind === 'service' ? { provider: p } : {}),
      buyers,
    };
  });

const signer = fc.oneof(municipality, federationId, fc.constantFrom(...OTHER_PARTIES, '05'));

const correctTransfer: fc.Arbitrary<Step> = fc
  .record({ municipality, pick: fc.nat({ max: 20 }), replacement: fc.option(fc.record({ serviceArea: area, basis, decidedOn: date, effectiveFrom: date }), { nil: undefined }) })
  .map((s): Step => ({ type: 'CorrectTransfer', ...s }));

/** The steps, weighted so that a good share are accepted and the rest are refused for many reasons. */
export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: formFederation },
  { weight: 2, arbitrary: fc.record({ id: federationId, municipality, decidedOn: date, effectiveFrom: date }).map((s): Step => ({ type: 'JoinFederation', ...s })) },
  { weight: 2, arbitrary: fc.record({ id: federationId, municipality, decidedOn: date, effectiveFrom: date, successors }).map((s): Step => ({ type: 'LeaveFederation', ...s })) },
  { weight: 1, arbitrary: fc.record({ id: federationId, decidedOn: date, effectiveFrom: date, successors }).map((s): Step => ({ type: 'DissolveFederation', ...s })) },
  { weight: 1, arbitrary: fc.record({ id: fc.oneof(federationId, agreementId), reviewedOn: date, outcome: fc.constantFrom<'continue' | 'revise' | 'end'>('continue', 'revise', 'end') }).map((s): Step => ({ type: 'RecordReview', ...s })) },
  { weight: 3, arbitrary: proposeAgreement },
  { weight: 2, arbitrary: fc.record({ id: agreementId, party: signer, signedOn: date }).map((s): Step => ({ type: 'SignAgreement', ...s })) },
  { weight: 1, arbitrary: fc.record({ id: agreementId, municipality, decidedOn: date, outcome: fc.constantFrom<'approved' | 'rejected'>('approved', 'approved', 'approved', 'rejected') }).map((s): Step => ({ type: 'RecordCouncilDecision', ...s })) },
  { weight: 2, arbitrary: fc.record({ id: agreementId, validUntil: fc.oneof(date, fc.constantFrom('2023-06-30', '2024-12-31', '2026-12-31')), decidedOn: date }).map((s): Step => ({ type: 'ExtendAgreement', ...s })) },
  { weight: 1, arbitrary: fc.record({ id: agreementId, decidedOn: date, effectiveFrom: date, successors }).map((s): Step => ({ type: 'TerminateAgreement', ...s })) },
  {
    weight: 8,
    arbitrary: fc
      .record({ municipality: fc.oneof({ weight: 12, arbitrary: municipality }, { weight: 1, arbitrary: fc.constant(UNREGISTERED) }), serviceArea: fc.oneof({ weight: 12, arbitrary: area }, { weight: 1, arbitrary: fc.constant(UNDEFINED_AREA) }), basis, decidedOn: date, effectiveFrom: date })
      .map((s): Step => ({ type: 'TransferService', ...s })),
  },
  { weight: 2, arbitrary: correctTransfer },
  { weight: 1, arbitrary: fc.record({ id: fc.constantFrom(...STUDY_IDS), parties: someMunicipalities(0, 2), owner: fc.option(municipality, { nil: undefined }), serviceAreas: fc.uniqueArray(area, { maxLength: 2 }), startedOn: date, plannedEnd: date }).map((s): Step => ({ type: 'StartStudy', ...s })) },
  { weight: 1, arbitrary: fc.record({ id: fc.constantFrom(...STUDY_IDS), milestoneId: fc.constantFrom(...MILESTONE_IDS), due: date }).map((s): Step => ({ type: 'ScheduleMilestone', ...s })) },
  { weight: 1, arbitrary: fc.record({ id: fc.constantFrom(...STUDY_IDS), milestoneId: fc.constantFrom(...MILESTONE_IDS), reachedOn: date }).map((s): Step => ({ type: 'ReachMilestone', ...s })) },
  { weight: 1, arbitrary: fc.record({ id: fc.constantFrom(...STUDY_IDS), concludedOn: date }).map((s): Step => ({ type: 'ConcludeStudy', ...s })) },
);

/**
 * A plan item: a step as generated, or a step chosen from the world as it is when its turn comes,
 * so that the sequences often do what the rules speak of (a generator cannot see the world):
 * - `signAll`: every signatory of an agreement signs, and every party's council approves, on one day;
 * - `covered`: a transfer onto an arrangement that lists the municipality and area (in force or not on the day);
 * - `ending`: a departure, dissolution or termination that names successors for some of the provisions it ends;
 * - `correctTwice`: two corrections of one municipality's transfers, the second one of what a correction already named or replaced (a correction of a correction).
 * The deciders still decide every step; the choice only makes valid steps likely.
 */
export type PlanItem =
  | { step: Step }
  | { signAll: { id: string; on: string } }
  | { covered: { pick: number; on: string } }
  | { ending: { pick: number; on: string; successors: number; successorPick: number } }
  | { correctTwice: { first: Step; second: Step } };

const pick = fc.nat({ max: 1000 });

/**
 * A plan opens with a likely setup (each federation formed, each agreement proposed and signed,
 * some transfers onto them), then goes on at random. The setup steps are decided like any others
 * and may be refused; they only make rich histories likely.
 */
export const plan = (maxLength: number): fc.Arbitrary<PlanItem[]> =>
  fc.tuple(setup, steps(maxLength)).map(([opening, rest]) => [...opening, ...rest]);

const setup: fc.Arbitrary<PlanItem[]> = fc
  .tuple(
    fc.tuple(...FEDERATION_IDS.map((id) => formFederation.map((s) => ({ ...s, id }) as Step))),
    fc.tuple(...AGREEMENT_IDS.map((id) => proposeAgreement.map((s) => ({ ...s, id }) as Step))),
    fc.tuple(...AGREEMENT_IDS.map((id) => date.map((on) => ({ id, on })))),
    fc.array(fc.record({ pick, on: date }), { minLength: 2, maxLength: 5 }),
  )
  .map(([federations, agreements, signings, covered]) => [
    ...federations.map((step): PlanItem => ({ step })),
    ...agreements.map((step): PlanItem => ({ step })),
    ...signings.map((signAll): PlanItem => ({ signAll })),
    ...covered.map((c): PlanItem => ({ covered: c })),
  ]);

const steps = (maxLength: number): fc.Arbitrary<PlanItem[]> =>
  fc.array(
    fc.oneof(
      { weight: 8, arbitrary: step.map((s): PlanItem => ({ step: s })) },
      { weight: 2, arbitrary: fc.record({ id: agreementId, on: date }).map((signAll): PlanItem => ({ signAll })) },
      { weight: 4, arbitrary: fc.record({ pick, on: date }).map((covered): PlanItem => ({ covered })) },
      { weight: 2, arbitrary: fc.record({ pick, on: date, successors: fc.nat({ max: 2 }), successorPick: pick }).map((ending): PlanItem => ({ ending })) },
      { weight: 1, arbitrary: fc.record({ first: correctTransfer, second: correctTransfer }).map((correctTwice): PlanItem => ({ correctTwice })) },
    ),
    {
      minLength: 1,
      maxLength,
      // Lengths spread over the whole range (fast-check's default keeps arrays short): rules 4 and 5 need long histories.
      size: 'max',
    },
  );

/** A world the plan items can look at: the arrangements' current states. */
export interface WorldView {
  federation(id: string): FederationState;
  agreement(id: string): AgreementState;
}

/** Every (basis, municipality, area) an arrangement lists, whether or not it is in force on a given day. */
function listed(world: WorldView): { basis: Basis; municipality: string; serviceArea: string }[] {
  const triples: { basis: Basis; municipality: string; serviceArea: string }[] = [];
  for (const id of FEDERATION_IDS) {
    const f = world.federation(id);
    if (f.status === 'none') continue;
    for (const municipality of new Set(f.memberships.map((m) => m.municipality))) for (const serviceArea of f.serviceAreas) triples.push({ basis: { kind: f.form, id }, municipality, serviceArea });
  }
  for (const id of AGREEMENT_IDS) {
    const a = world.agreement(id);
    if (a.status === 'none' || a.kind !== 'service') continue;
    for (const municipality of a.buyers) for (const serviceArea of a.serviceAreas) triples.push({ basis: { kind: 'agreement', id }, municipality, serviceArea });
  }
  return triples;
}

/** The steps a plan item stands for, given the world now. */
export function expandPlanItem(item: PlanItem, world: WorldView): Step[] {
  if ('step' in item) return [item.step];
  if ('correctTwice' in item) {
    const { first, second } = item.correctTwice;
    if (first.type !== 'CorrectTransfer' || second.type !== 'CorrectTransfer') return [first, second];
    // An even pick makes the world choose a transfer a correction already named or replaced (see World).
    return [first, { ...second, municipality: first.municipality, pick: second.pick - (second.pick % 4) }];
  }
  if ('signAll' in item) {
    const { id, on } = item.signAll;
    const a = world.agreement(id);
    if (a.status === 'none') return [{ type: 'SignAgreement', id, party: MUNICIPALITIES[0], signedOn: on }];
    const signatories = new Set([...a.parties, ...a.otherParties, ...(a.provider?.kind === 'federation' ? [a.provider.id] : []), ...(a.provider?.kind === 'region' ? [a.provider.code] : [])]);
    return [
      ...[...signatories].map((party): Step => ({ type: 'SignAgreement', id, party, signedOn: on })),
      ...(a.councilApprovalRequired ? a.parties.map((municipality): Step => ({ type: 'RecordCouncilDecision', id, municipality, decidedOn: on, outcome: 'approved' })) : []),
    ];
  }
  const triples = listed(world);
  if ('covered' in item) {
    if (triples.length === 0) return [];
    const t = triples[item.covered.pick % triples.length];
    return [{ type: 'TransferService', ...t, decidedOn: item.covered.on, effectiveFrom: item.covered.on }];
  }
  const { pick: p, on, successors: wanted, successorPick } = item.ending;
  const endings: { step: Step; ended: { municipality: string; serviceArea: string }[] }[] = [];
  for (const id of FEDERATION_IDS) {
    const f = world.federation(id);
    if (f.status === 'none') continue;
    const open = f.memberships.filter((m) => m.until === undefined).map((m) => m.municipality);
    for (const municipality of open) {
      endings.push({ step: { type: 'LeaveFederation', id, municipality, decidedOn: on, effectiveFrom: on, successors: [] }, ended: f.serviceAreas.map((serviceArea) => ({ municipality, serviceArea })) });
    }
    endings.push({ step: { type: 'DissolveFederation', id, decidedOn: on, effectiveFrom: on, successors: [] }, ended: open.flatMap((municipality) => f.serviceAreas.map((serviceArea) => ({ municipality, serviceArea }))) });
  }
  for (const id of AGREEMENT_IDS) {
    const a = world.agreement(id);
    if (a.status === 'none') continue;
    endings.push({ step: { type: 'TerminateAgreement', id, decidedOn: on, effectiveFrom: on, successors: [] }, ended: a.buyers.flatMap((municipality) => a.serviceAreas.map((serviceArea) => ({ municipality, serviceArea }))) });
  }
  if (endings.length === 0) return [];
  const chosen = endings[p % endings.length];
  const successors: Successor[] = chosen.ended.slice(0, wanted).map((ended, i) => {
    const onto = triples.filter((t) => t.municipality === ended.municipality && t.serviceArea === ended.serviceArea && basisKey(t.basis) !== basisKey(basisOf(chosen.step)));
    const choice = (successorPick + i) % (onto.length + 1);
    return { ...ended, basis: choice === onto.length ? { kind: 'in-house' } : onto[choice].basis };
  });
  return [{ ...chosen.step, successors } as Step];
}

function basisKey(basis: Basis | undefined): string {
  return !basis ? '' : basis.kind === 'in-house' ? 'in-house' : `${basis.kind}:${basis.id}`;
}

function basisOf(step: Step): Basis | undefined {
  if (step.type === 'TerminateAgreement') return { kind: 'agreement', id: step.id };
  if (step.type === 'LeaveFederation' || step.type === 'DissolveFederation') return { kind: 'federation', id: step.id };
  return undefined;
}

// ------------------------------------------------------------------------------------------------
// Seeds

/** The default seed of every property test; FC_SEED overrides it, FC_SEED=random picks one (printed). */
export const DEFAULT_SEED = 20261121;

export function seedFromEnvironment(): number {
  const raw = process.env.FC_SEED;
  if (raw === 'random') return Math.floor(Math.random() * 2 ** 31);
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or 'random', not '${raw}'`);
  return seed;
}

/** fast-check settings: the fixed seed and a run count (FC_RUNS_SCALE multiplies it: 2 doubles every property's runs). */
export function propertySettings(seed: number, numRuns: number): { seed: number; numRuns: number; endOnFailure: false } {
  const scale = Number(process.env.FC_RUNS_SCALE ?? 1);
  return { seed, numRuns: Math.max(1, Math.round(numRuns * (Number.isFinite(scale) && scale > 0 ? scale : 1))), endOnFailure: false };
}
