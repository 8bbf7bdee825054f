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

export interface TimelineEntry {
  position: number;
  recordedAt: string;
  type: string;
  stream: string;
  effectiveFrom?: CalendarDate;
  summary: string;
}

export type AttentionKind =
  | 'awaiting-signature'
  | 'awaiting-council-decision'
  | 'agreement-ending'
  | 'provision-lapsed'
  | 'review-overdue'
  | 'study-overdue'
  | 'milestone-overdue';

export interface AttentionItem {
  kind: AttentionKind;
  subject: string;
  detail: string;
  due?: CalendarDate;
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

export interface ArrangementRecord {
  kind: 'federation' | 'agreement' | 'study';
  id: string;
  stream: string;
  events: LoggedEvent[];
  federation?: FederationState;
  agreement?: AgreementState;
  study?: StudyState;
  /** The attention items of the last `on` asked about, as known now (dropped when the arrangement changes). */
  attention?: { on: CalendarDate; items: AttentionItem[] };
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
