import { AgreementEndedBy, AgreementState, Basis, CalendarDate, FederationState, ProvisionInterval, SamverkanEvent, StudyState, TimelineTransfer } from '@samverkan/domain';
import type { DecodedEvent } from '../decoded-event';

/** How a provider is shown: who, by name. */
export type ProviderView =
  | { kind: 'municipality'; code: string; name: string }
  | { kind: 'federation'; id: string; name: string }
  | { kind: 'region'; code: string; name: string };

export type BasisView = { kind: 'in-house' } | { kind: Exclude<Basis['kind'], 'in-house'>; id: string };

export interface Provision {
  serviceArea: string;
  provider: ProviderView;
  basis: BasisView;
  /** The first day of this provision; null when nothing was ever recorded (in-house by default). */
  since: CalendarDate | null;
  /** The last day, if its basis or a later transfer ends it; null when open-ended. */
  until: CalendarDate | null;
  lapsed: boolean;
}

export interface HistoryEntry {
  provider: ProviderView;
  basis: BasisView;
  from: CalendarDate | null;
  /** The last day (inclusive); null when open-ended. */
  to: CalendarDate | null;
  lapsed: boolean;
  decidedOn: CalendarDate | null;
  recordedAt: string | null;
  /** For a lapse: why the basis ended. */
  reason?: string;
  transferId?: string;
  /** When it rests on a correction's replacement: the transfer that correction named (decision "corrections stay visible in the history"). */
  corrects?: CorrectedRef;
  /** When it rests on a transfer a later correction withdrew or replaced (directly, or by correcting the correction it rests on). */
  correctedBy?: CorrectionRef;
}

/** The transfer a correction named: the event that recorded it (a ServiceTransferred, or the CorrectionRecorded whose replacement it is). */
export interface CorrectedRef {
  transferId: string;
  type: 'ServiceTransferred' | 'CorrectionRecorded';
  eventId: string;
  recordedAt: string;
}

/** The correction that withdrew a transfer. */
export interface CorrectionRef {
  type: 'CorrectionRecorded';
  eventId: string;
  recordedAt: string;
}

export interface MunicipalityView {
  code: string;
  name: string;
  countyCode: string;
  countyName: string;
}

export interface ServiceAreaView {
  slug: string;
  nameSv: string;
  nameEn: string;
  scbActivityCode?: string;
}

export type ArrangementKind = 'federation' | 'joint-committee' | 'agreement' | 'study';

export interface ArrangementSummary {
  kind: ArrangementKind;
  id: string;
  title: string;
  parties: string[];
  status: string;
  /** Decision: a dissolved provider ends its agreements. Why a `terminated` agreement ended without an event of its own. */
  endedBy?: AgreementEndedBy;
  serviceAreas: string[];
}

/** An arrangement as the facts name it: its kind and id (the reader names it by its title). */
export interface ArrangementRef {
  kind: ArrangementKind;
  id: string;
}

/**
 * A party that signs (or is to sign) an agreement, as `signatories` counts it: a municipality or
 * region by its code, the providing federation by its id, anyone else by the name it was given.
 * A region carries its name when the agreement names it among its other parties.
 */
export type PartyRef =
  | { kind: 'municipality'; code: string }
  | { kind: 'region'; code: string; name?: string }
  | { kind: 'federation'; id: string }
  | { kind: 'other'; name: string };

/**
 * What a timeline entry's `summary` says, as data (issue 17): the same facts, with codes, ids and
 * slugs the reader names from the reference data, so that no one has to read the English line
 * back. Which fields an entry carries depends on its `type` (docs/contract.md lists them); the
 * entry's `effectiveFrom` is not repeated. Nothing here that the summary does not already say.
 */
export interface TimelineFacts {
  /** The municipality the event is about: registered, transferred to, corrected, joining or leaving, its council deciding or rejecting. */
  municipality?: string;
  /** MunicipalityRegistered: its county's name. */
  countyName?: string;
  /** A service area's slug: defined, transferred, or a correction's replacement. */
  serviceArea?: string;
  /** ServiceTransferred, and a correction's replacement: the basis. */
  basis?: BasisView;
  /** ServiceTransferred: the type of the event whose successor clause named it (rule 5). */
  successorOf?: string;
  /** Every arrangement event: the arrangement. */
  arrangement?: ArrangementRef;
  /** AgreementProposed: the agreement's kind. */
  agreementKind?: 'service' | 'intent' | 'cooperation';
  /** FederationFormed: its members; AgreementProposed and StudyStarted: the party municipalities (codes). */
  parties?: string[];
  /** AgreementProposed: the parties without a code, by name. */
  otherParties?: string[];
  /** AgreementSigned: who signs. */
  party?: PartyRef;
  /** The day it happened: signed, decided, reviewed, concluded, rejected, reached, started. */
  on?: CalendarDate;
  /** AgreementExtended: the new last day; StudyStarted: the planned end. */
  until?: CalendarDate;
  /** MilestoneScheduled: when it is due. */
  due?: CalendarDate;
  /** ReviewRecorded (continue, revise, end), CouncilDecisionRecorded (approved, rejected), StudyConcluded (proceed, partly, do-not-proceed). */
  outcome?: string;
  /** CouncilDecisionRecorded: the decision's reference, as recorded. */
  reference?: string;
  /** AgreementTerminated and CorrectionRecorded: the reason, as recorded. */
  reason?: string;
  /** MilestoneScheduled and MilestoneReached: the milestone's id and the title the study scheduled it with. */
  milestone?: { id: string; title?: string };
  /** CorrectionRecorded: whether the transfer was withdrawn or replaced, and which one. */
  correction?: { kind: 'withdrawn' | 'replaced'; transferId: string };
}

export interface TimelineEntry {
  position: number;
  recordedAt: string;
  type: string;
  stream: string;
  effectiveFrom?: CalendarDate;
  summary: string;
  /** The summary's facts, for readers that say it in their own words (absent from a service older than issue 17). */
  facts: TimelineFacts;
}

export type AttentionKind =
  | 'awaiting-signature'
  | 'awaiting-council-decision'
  | 'agreement-ending'
  | 'provision-lapsed'
  | 'review-overdue'
  | 'study-overdue'
  | 'milestone-overdue';

/**
 * What an attention item's `detail` says, as data (issue 17), by the item's kind:
 * - awaiting-signature: `arrangement`, `parties` (those yet to sign);
 * - awaiting-council-decision: `arrangement`, `municipalities` (whose council has not decided);
 * - agreement-ending: `arrangement`, `ending` (`terminated` from `on`, or `expires`: its last day is `on`), and `provider` when its providing federation's dissolution ends it;
 * - provision-lapsed: `municipality`, `serviceArea`, `on` (the first day in-house), `basis` (the one that ended, unless none is known) and `reason` (why it ended, as the provision history says; absent when unknown);
 * - review-overdue: `arrangement`, `term` (the term of office without a review);
 * - study-overdue: `arrangement`, `on` (the planned end);
 * - milestone-overdue: `arrangement`, `milestone`, `on` (when it was due).
 * Nothing here that the detail does not already say.
 */
export interface AttentionFacts {
  arrangement?: ArrangementRef;
  parties?: PartyRef[];
  municipalities?: string[];
  municipality?: string;
  serviceArea?: string;
  basis?: BasisView;
  reason?: string;
  ending?: 'terminated' | 'expires';
  provider?: { kind: 'federation'; id: string };
  on?: CalendarDate;
  term?: { start: CalendarDate; end: CalendarDate };
  milestone?: { id: string; title: string };
}

export interface AttentionItem {
  kind: AttentionKind;
  subject: string;
  detail: string;
  due?: CalendarDate;
  /** The detail's facts, for readers that say it in their own words (absent from a service older than issue 17). */
  facts: AttentionFacts;
}

/**
 * A transfer as the read model keeps it: the only record of a ServiceTransferred (the event
 * itself is not kept), also standing in the municipality's timeline. Dates, service areas,
 * streams, bases and providers are shared between transfers (see Interner).
 */
export interface TransferEntry extends TimelineTransfer {
  readonly municipality: string;
  readonly serviceArea: string;
  readonly stream: string;
  readonly recordedAtMs: number;
  /** The type of the successor clause that named it (rule 5), if any. */
  readonly successorType: string | undefined;
  /** The id of the event that recorded it (a ServiceTransferred, or the CorrectionRecorded whose replacement it is). */
  readonly eventId: string;
  /** For a replacement: the first transfer of its line of corrections (the one every correction in the line goes back to). */
  readonly root: string | undefined;
  /** For a replacement: the transfer its correction named. */
  readonly corrects: CorrectedRef | undefined;
  /** When a correction withdrew or replaced it (ms), and that correction's position, if ever. */
  withdrawnAtMs: number | undefined;
  withdrawnAt: number | undefined;
  /** That correction. */
  withdrawnBy: CorrectionRef | undefined;
}

/** An event as the read model keeps it (arrangements and timelines share one object). */
export interface LoggedEvent {
  position: number;
  recordedAt: string;
  recordedAtMs: number;
  stream: string;
  type: string;
  event: SamverkanEvent;
}

/** What a municipality's timeline lists: every event that concerns it (a transfer by its entry). */
export type TimelineRef = LoggedEvent | TransferEntry;

/**
 * An arrangement's attention items as a step function of the day asked about: `boundaries` are
 * the days on which they may change, and what is known of each step so far (see
 * attention-steps.ts: `keptItems`, `keepItems`).
 */
export interface AttentionSteps {
  /** As day numbers (days since 1970-01-01), ascending. */
  boundaries: Float64Array;
  /** By the first year of a term of office: a byte a step (0 not computed yet, 1 no items, 2 items). */
  known: Map<number, Uint8Array>;
  /** The items of the steps that have some, by term and step. */
  items: Map<number, readonly AttentionItem[]>;
  /** Each distinct item of the arrangement, once, by its JSON (steps share them). */
  interned: Map<string, AttentionItem>;
}

export interface ArrangementRecord {
  kind: 'federation' | 'agreement' | 'study';
  id: string;
  stream: string;
  events: LoggedEvent[];
  federation?: FederationState;
  agreement?: AgreementState;
  study?: StudyState;
  /** The attention items as known now, by step of the day asked about (dropped when the arrangement or its provider changes); see attention-steps.ts. */
  attention?: AttentionSteps;
  /** Its summary in the arrangement list, as known now, for the day it was made (dropped with `attention`). */
  summary?: { today: CalendarDate; summary: ArrangementSummary };
}

/** What the last applied event changed, so the change feed can compare a cell before and after it. */
export interface LastApplied {
  position: number;
  /** The cells whose provision timeline the event can have changed, in the order the change feed reports them. */
  touched: string[];
  /** The cached timelines of those cells from before the event, where there were any. */
  before: Map<string, readonly ProvisionInterval[]>;
  /** Whether it registered a municipality or defined a service area not known before. */
  added?: 'municipality' | 'service-area';
  /** The arrangement the event changed, with its state before (undefined: it did not exist). */
  arrangement?: { kind: 'federation' | 'agreement'; id: string; before: FederationState | AgreementState | undefined };
}

/** One event being applied, as every view is handed it. */
export interface Step {
  readonly recorded: DecodedEvent;
  /** What the event changed; the views fill it in. */
  readonly last: LastApplied;
  /** The event as kept (made on the first call, then the same object). */
  logged(): LoggedEvent;
}

export function cellKey(code: string, area: string): string {
  return `${code}/${area}`;
}
