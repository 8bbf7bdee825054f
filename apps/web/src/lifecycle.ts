import { addDays } from './dates';
import { AgreementState, FederationState, StudyState, TimelineEntry } from './types';

/**
 * An arrangement's lifecycle on the calendar (decision dates and effective dates, not
 * recording times): the steps the arrangement page draws on its timeline. Pure functions.
 */

export type StepKind =
  | 'proposed'
  | 'signed'
  | 'approved'
  | 'rejected'
  | 'concluded'
  | 'in-force'
  | 'ends'
  | 'extended'
  | 'terminated'
  | 'formed'
  | 'joined'
  | 'left'
  | 'dissolved'
  | 'reviewed'
  | 'started'
  | 'planned-end'
  | 'milestone-due'
  | 'milestone-reached'
  | 'study-concluded';

export interface LifecycleStep {
  date: string;
  kind: StepKind;
  /** The party the step is about (a municipality code, or another party's name). */
  party?: string;
  /** When the step was decided, if that is another day than `date` (a dissolution, a termination). */
  decidedOn?: string;
  /** A new last day (an extension). */
  until?: string;
  /** Free text: a council decision's reference, a review's outcome, a milestone's title, a reason. */
  note?: string;
}

/** A span drawn as a bar: an agreement's term, a member's membership, a study's run. Both ends inclusive; `to` null: open-ended. */
export interface LifecycleSpan {
  /** `term` for the arrangement itself, else a member's code. */
  label: string;
  from: string;
  to: string | null;
}

export interface Lifecycle {
  steps: LifecycleStep[];
  spans: LifecycleSpan[];
}

const byDate = (a: LifecycleStep, b: LifecycleStep) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/** The day a recorded event was recorded, as a stand-in when the state carries no decision date for it. */
function recordedDayOf(timeline: TimelineEntry[], type: string): string | undefined {
  return timeline.find((e) => e.type === type)?.recordedAt.slice(0, 10);
}

/** The last day an agreement is in force: its term's end, or the day before a termination takes effect, whichever comes first; null: open-ended. */
export function lastDayInForce(a: Pick<AgreementState, 'validUntil' | 'termination'>): string | null {
  const beforeTermination = a.termination ? addDays(a.termination.effectiveFrom, -1) : undefined;
  const candidates = [a.validUntil, beforeTermination].filter((d): d is string => d !== undefined);
  return candidates.length === 0 ? null : candidates.sort()[0];
}

export function agreementLifecycle(a: AgreementState, timeline: TimelineEntry[] = []): Lifecycle {
  const steps: LifecycleStep[] = [];
  const proposedOn = a.decidedOn ?? recordedDayOf(timeline, 'AgreementProposed');
  if (proposedOn) steps.push({ date: proposedOn, kind: 'proposed' });
  for (const s of a.signatures) steps.push({ date: s.signedOn, kind: 'signed', party: s.party });
  for (const d of a.councilDecisions) steps.push({ date: d.decidedOn, kind: d.outcome === 'approved' ? 'approved' : 'rejected', party: d.municipality, ...(d.reference ? { note: d.reference } : {}) });
  if (a.concludedOn) steps.push({ date: a.concludedOn, kind: 'concluded' });
  if (a.rejectedOn && !a.councilDecisions.some((d) => d.outcome === 'rejected' && d.decidedOn === a.rejectedOn)) steps.push({ date: a.rejectedOn, kind: 'rejected' });
  if (a.concludedOn && a.validFrom) steps.push({ date: a.validFrom, kind: 'in-force' });
  for (const e of a.extensions) steps.push({ date: e.decidedOn, kind: 'extended', until: e.validUntil });
  if (a.termination) steps.push({ date: a.termination.effectiveFrom, kind: 'terminated', decidedOn: a.termination.decidedOn, note: a.termination.reason });
  if (a.concludedOn && a.validUntil && (!a.termination || a.termination.effectiveFrom > a.validUntil)) steps.push({ date: a.validUntil, kind: 'ends' });
  for (const r of a.reviews) steps.push({ date: r.reviewedOn, kind: 'reviewed', note: r.note ? `${r.outcome}: ${r.note}` : r.outcome });
  const spans: LifecycleSpan[] = a.validFrom ? [{ label: 'term', from: a.validFrom, to: lastDayInForce(a) }] : [];
  return { steps: steps.sort(byDate), spans };
}

/** The last day of a federation: the day before its dissolution takes effect; null while it lasts. */
export function lastDayOfFederation(f: Pick<FederationState, 'dissolution'>): string | null {
  return f.dissolution ? addDays(f.dissolution.effectiveFrom, -1) : null;
}

export function federationLifecycle(f: FederationState): Lifecycle {
  const steps: LifecycleStep[] = [];
  const federationEnd = lastDayOfFederation(f);
  if (f.decidedOn) steps.push({ date: f.decidedOn, kind: 'formed' });
  steps.push({ date: f.effectiveFrom, kind: 'in-force' });
  for (const m of f.memberships) {
    if (m.from > f.effectiveFrom) steps.push({ date: m.from, kind: 'joined', party: m.municipality });
    // `until` is a membership's last day (inclusive, as every view gives end dates); the departure takes effect the day after.
    // A membership that ends with the federation's dissolution is not a departure.
    if (m.until && (m.leftDecidedOn !== undefined || federationEnd === null || m.until < federationEnd)) {
      steps.push({ date: addDays(m.until, 1), kind: 'left', party: m.municipality, ...(m.leftDecidedOn ? { decidedOn: m.leftDecidedOn } : {}) });
    }
  }
  if (f.dissolution) steps.push({ date: f.dissolution.effectiveFrom, kind: 'dissolved', decidedOn: f.dissolution.decidedOn });
  for (const r of f.reviews) steps.push({ date: r.reviewedOn, kind: 'reviewed', note: r.note ? `${r.outcome}: ${r.note}` : r.outcome });
  // A membership's `until` is its last day; a dissolution ends every membership.
  const end = (until?: string) => {
    if (until && federationEnd) return until < federationEnd ? until : federationEnd;
    return until ?? federationEnd;
  };
  const spans = f.memberships.map((m) => ({ label: m.municipality, from: m.from, to: end(m.until) }));
  return { steps: steps.sort(byDate), spans };
}

export function studyLifecycle(s: StudyState): Lifecycle {
  const steps: LifecycleStep[] = [{ date: s.startedOn, kind: 'started' }];
  for (const m of s.milestones) {
    steps.push({ date: m.due, kind: 'milestone-due', note: m.title });
    if (m.reachedOn) steps.push({ date: m.reachedOn, kind: 'milestone-reached', note: m.title });
  }
  steps.push({ date: s.plannedEnd, kind: 'planned-end' });
  if (s.conclusion) steps.push({ date: s.conclusion.concludedOn, kind: 'study-concluded', note: `${s.conclusion.recommendation}: ${s.conclusion.summary}` });
  return { steps: steps.sort(byDate), spans: [{ label: 'term', from: s.startedOn, to: s.conclusion?.concludedOn ?? s.plannedEnd }] };
}
