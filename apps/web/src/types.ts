/**
 * The shapes of the public HTTP API the dashboard reads (docs/contract.md, Queries).
 * Defined here rather than imported: the page is a client of the API like any other.
 */

export type BasisKind = 'in-house' | 'federation' | 'joint-committee' | 'agreement';
export const BASIS_KINDS: readonly BasisKind[] = ['in-house', 'federation', 'joint-committee', 'agreement'];

export interface Provider {
  kind: 'municipality' | 'federation' | 'region';
  code?: string;
  id?: string;
  name: string;
}

export interface Basis {
  kind: BasisKind;
  id?: string;
}

export interface Provision {
  serviceArea: string;
  provider: Provider;
  basis: Basis;
  since: string | null;
  until: string | null;
  lapsed: boolean;
}

export interface Municipality {
  code: string;
  name: string;
  countyCode: string;
  countyName: string;
}

export interface ServiceArea {
  slug: string;
  nameSv: string;
  nameEn: string;
}

export interface MatrixRow {
  municipality: Municipality;
  cells: Record<string, Provision>;
}

export interface Matrix {
  on: string;
  serviceAreas: string[];
  rows: MatrixRow[];
}

export interface HistoryEntry {
  provider: Provider;
  basis: Basis;
  from: string | null;
  /** Last day, inclusive; null when open-ended. */
  to: string | null;
  lapsed: boolean;
  decidedOn: string | null;
  recordedAt: string | null;
  reason?: string;
}

export type ArrangementKind = 'federation' | 'joint-committee' | 'agreement' | 'study';

export interface ArrangementSummary {
  kind: ArrangementKind;
  id: string;
  title: string;
  parties: string[];
  status: string;
  serviceAreas: string[];
}

/** An arrangement as the API's facts name it (the page names it by its title). */
export interface ArrangementRef {
  kind: ArrangementKind;
  id: string;
}

/** A party that signs an agreement: a municipality or region by code, the providing federation by id, anyone else by name. */
export type PartyRef = { kind: 'municipality'; code: string } | { kind: 'region'; code: string; name?: string } | { kind: 'federation'; id: string } | { kind: 'other'; name: string };

/** What a timeline entry's summary says, as data (docs/contract.md lists which fields each type carries). */
export interface TimelineFacts {
  municipality?: string;
  countyName?: string;
  serviceArea?: string;
  basis?: { kind: string; id?: string };
  successorOf?: string;
  arrangement?: ArrangementRef;
  agreementKind?: 'service' | 'intent' | 'cooperation';
  parties?: string[];
  otherParties?: string[];
  party?: PartyRef;
  on?: string;
  until?: string;
  due?: string;
  outcome?: string;
  reference?: string;
  reason?: string;
  milestone?: { id: string; title?: string };
  correction?: { kind: 'withdrawn' | 'replaced'; transferId: string };
}

export interface TimelineEntry {
  position: number;
  recordedAt: string;
  type: string;
  stream: string;
  effectiveFrom?: string;
  summary: string;
  /** Absent from a service older than issue 17: the page then shows `summary`, marked as English. */
  facts?: TimelineFacts;
}

export const ATTENTION_KINDS = [
  'awaiting-signature',
  'awaiting-council-decision',
  'agreement-ending',
  'provision-lapsed',
  'review-overdue',
  'study-overdue',
  'milestone-overdue',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** What an attention item's detail says, as data (docs/contract.md lists which fields each kind carries). */
export interface AttentionFacts {
  arrangement?: ArrangementRef;
  parties?: PartyRef[];
  municipalities?: string[];
  municipality?: string;
  serviceArea?: string;
  basis?: { kind: string; id?: string };
  reason?: string;
  ending?: 'terminated' | 'expires';
  provider?: { kind: 'federation'; id: string };
  on?: string;
  term?: { start: string; end: string };
  milestone?: { id: string; title: string };
}

export interface AttentionItem {
  kind: AttentionKind;
  subject: string;
  detail: string;
  due?: string;
  /** Absent from a service older than issue 17: the page then shows `detail`, marked as English. */
  facts?: AttentionFacts;
}

export interface Review {
  reviewedOn: string;
  outcome: 'continue' | 'revise' | 'end';
  note?: string;
}

export interface Successor {
  municipality: string;
  serviceArea: string;
  basis: Basis;
}

/** GET /v1/federations/{id}: a federation or joint committee. */
export interface FederationState {
  kind: 'federation' | 'joint-committee';
  status: string;
  id: string;
  name: string;
  form: 'federation' | 'joint-committee';
  host?: string;
  serviceAreas: string[];
  decidedOn: string;
  effectiveFrom: string;
  memberships: { municipality: string; from: string; until?: string; leftDecidedOn?: string }[];
  dissolution?: { decidedOn: string; effectiveFrom: string; successors: Successor[] };
  reviews: Review[];
  revision: number;
}

/** GET /v1/agreements/{id}. */
export interface AgreementState {
  status: string;
  id: string;
  kind: 'service' | 'intent' | 'cooperation';
  title: string;
  parties: string[];
  otherParties: string[];
  provider?: { kind: string; code?: string; id?: string };
  buyers: string[];
  serviceAreas: string[];
  validFrom: string;
  validUntil?: string;
  councilApprovalRequired: boolean;
  decidedOn?: string;
  signatures: { party: string; signedOn: string }[];
  councilDecisions: { municipality: string; decidedOn: string; outcome: 'approved' | 'rejected'; reference?: string }[];
  concludedOn?: string;
  rejectedOn?: string;
  extensions: { validUntil: string; decidedOn: string }[];
  termination?: { decidedOn: string; effectiveFrom: string; reason: string; successors: Successor[] };
  reviews: Review[];
  missingSignatures: string[];
  missingCouncilDecisions: string[];
  revision: number;
}

/** GET /v1/studies/{id}. */
export interface StudyState {
  status: string;
  id: string;
  kind: 'feasibility' | 'development-project' | 'organisational-review';
  title: string;
  parties: string[];
  otherParties: string[];
  owner?: string;
  funder?: string;
  serviceAreas: string[];
  startedOn: string;
  plannedEnd: string;
  milestones: { milestoneId: string; title: string; due: string; reachedOn?: string }[];
  conclusion?: { concludedOn: string; recommendation: string; summary: string };
  revision: number;
}

/** An RFC 9457 problem, as every error of the API is. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
}
