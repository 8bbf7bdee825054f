import { assertNever, regionCodeOfName } from '@samverkan/domain';
import { effectiveDateOf, factsOf, summarize, summarizeTransfer, transferFacts } from '../summaries';
import { ArrangementsView, partiesOf } from './arrangements-view';
import type { CellsView } from './cells-view';
import type { ArrangementKind, LoggedEvent, Step, TimelineEntry, TimelineRef, TransferEntry } from './types';

/** Each municipality's timeline: every event that concerns it, in log order (a transfer by its entry). */
export class TimelinesView {
  readonly timelines = new Map<string, TimelineRef[]>();

  constructor(
    private readonly arrangements: ArrangementsView,
    private readonly cells: CellsView,
  ) {}

  /** After the arrangements and the cells applied the step (it lists their records). */
  apply(step: Step): void {
    const event = step.recorded.event;
    switch (event.type) {
      case 'MunicipalityRegistered':
        return this.add(event.data.code, step.logged());
      case 'ServiceTransferred': {
        const entry = this.cells.transfer(event.data.transferId);
        if (entry) this.add(event.data.municipality, entry);
        return;
      }
      case 'CorrectionRecorded':
        return this.add(event.data.municipality, step.logged());
      // Its members or parties, the one joining or leaving, and a providing municipality.
      case 'FederationFormed': case 'MemberJoined': case 'MemberLeft': case 'FederationDissolved': case 'ReviewRecorded':
      case 'AgreementProposed': case 'AgreementSigned': case 'CouncilDecisionRecorded': case 'AgreementConcluded': case 'AgreementRejected': case 'AgreementExtended': case 'AgreementTerminated':
      case 'StudyStarted': case 'MilestoneScheduled': case 'MilestoneReached': case 'StudyConcluded': {
        const record = this.arrangements.records.get(event.data.id);
        if (!record) return;
        const codes = new Set<string>(partiesOf(record));
        if (event.type === 'MemberJoined' || event.type === 'MemberLeft') codes.add(event.data.municipality);
        if (record.agreement?.provider?.kind === 'municipality') codes.add(record.agreement.provider.code);
        for (const code of codes) this.add(code, step.logged());
        return;
      }
      case 'ServiceAreaDefined':
        return;
      default:
        return assertNever(event);
    }
  }

  private add(code: string, ref: TimelineRef): void {
    const list = this.timelines.get(code);
    if (list) list.push(ref);
    else this.timelines.set(code, [ref]);
  }

  /** Replaces everything with a snapshot's timelines (their entries are the snapshot's records and transfers). */
  restore(timelines: Iterable<[string, TimelineRef[]]>): void {
    this.timelines.clear();
    for (const [code, refs] of timelines) this.timelines.set(code, refs);
  }

  /** A municipality's timeline, as known at `knownAtMs` (only what was recorded by then; everything when undefined). */
  timeline(code: string, knownAtMs?: number): TimelineEntry[] {
    return knownBy(this.timelines.get(code) ?? [], knownAtMs).map((ref) => ('event' in ref ? toTimelineEntry(ref, this.names) : transferTimelineEntry(ref)));
  }

  /** An arrangement's events, as known at `knownAtMs` (everything when undefined). */
  arrangementTimeline(id: string, knownAtMs?: number): TimelineEntry[] {
    return knownBy(this.arrangements.records.get(id)?.events ?? [], knownAtMs).map((e) => toTimelineEntry(e, this.names));
  }

  /** An arrangement's kind by its id, for the facts (a federation's form never changes; an id names one arrangement). */
  private readonly kindOf = (id: string): ArrangementKind => {
    const record = this.arrangements.records.get(id);
    if (!record) return 'agreement';
    return record.kind === 'federation' ? (record.federation?.form ?? 'federation') : record.kind;
  };

  /** The name an agreement gives (among its other parties) the region that signs by `code`; its terms never change. */
  private readonly regionName = (agreementId: string, code: string): string | undefined =>
    this.arrangements.records.get(agreementId)?.agreement?.otherParties.find((name) => regionCodeOfName(name) === code);

  /** The title a study scheduled a milestone with (a milestone id names one milestone of its study). */
  private readonly milestoneTitle = (studyId: string, milestoneId: string): string | undefined =>
    this.arrangements.records.get(studyId)?.study?.milestones.find((m) => m.milestoneId === milestoneId)?.title;

  private readonly names: FactNames = { kindOf: this.kindOf, regionName: this.regionName, milestoneTitle: this.milestoneTitle };
}

/** What the facts look up in the register beside the event itself. */
interface FactNames {
  kindOf: (id: string) => ArrangementKind;
  regionName: (agreementId: string, code: string) => string | undefined;
  milestoneTitle: (studyId: string, milestoneId: string) => string | undefined;
}

/** The entries recorded at or before `knownAtMs` (all of them when undefined). */
function knownBy<T extends { recordedAtMs: number }>(refs: readonly T[], knownAtMs: number | undefined): readonly T[] {
  return knownAtMs === undefined ? refs : refs.filter((ref) => ref.recordedAtMs <= knownAtMs);
}

function toTimelineEntry(e: LoggedEvent, names: FactNames): TimelineEntry {
  const effectiveFrom = effectiveDateOf(e.event);
  return { position: e.position, recordedAt: e.recordedAt, type: e.type, stream: e.stream, ...(effectiveFrom ? { effectiveFrom } : {}), summary: summarize(e.event), facts: factsOf(e.event, names.kindOf, names.regionName, names.milestoneTitle) };
}

function transferTimelineEntry(t: TransferEntry): TimelineEntry {
  return { position: t.order, recordedAt: t.recordedAt, type: 'ServiceTransferred', stream: t.stream, effectiveFrom: t.effectiveFrom, summary: summarizeTransfer(t.municipality, t.serviceArea, t.basis, t.effectiveFrom, t.successorType),
    facts: transferFacts(t.municipality, t.serviceArea, t.basis, t.successorType),
  };
}
