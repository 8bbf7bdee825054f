import { CalendarDate, FederationState, intervalOn, providingFederationId, termContaining } from '@samverkan/domain';
import { ArrangementsView, foldStudy } from './arrangements-view';
import { arrangementAttention, compareAttention, describeEnd, lapseFacts } from './attention-rules';
import { attentionSteps, dayNumber, keepItems, keptItems, stepIndex } from './attention-steps';
import { keptJsonArray } from './kept-json';
import type { CellsView } from './cells-view';
import type { ReferenceView } from './reference-view';
import type { ArrangementRecord, AttentionItem } from './types';

/** An agreement's providing federation among `federations` (those known at the moment asked about); undefined for anything else. */
function providerOf(states: Pick<ArrangementRecord, 'agreement'>, federations: ReadonlyMap<string, FederationState>): FederationState | undefined {
  const id = states.agreement && providingFederationId(states.agreement);
  return id === undefined ? undefined : federations.get(id);
}

/**
 * Rule 4 and the follow-up duties: what needs someone's attention on a date, asked of the
 * arrangements and the cells (it keeps no facts of its own). The items of an arrangement known
 * now depend only on it and on the step of the date (attention-steps.ts), so each step's answer
 * is kept on its record until the arrangement changes: a question on any day costs a binary
 * search per arrangement once its steps are known; lapsed provisions are read from the cells'
 * own cache.
 */
export class AttentionView {
  constructor(
    private readonly reference: ReferenceView,
    private readonly arrangements: ArrangementsView,
    private readonly cells: CellsView,
  ) {}

  /**
   * `JSON.stringify(attention(on, knownAtMs))`, written from each item's JSON, kept with the item:
   * an arrangement's items are kept per step, so most of an answer is text written before.
   */
  attentionJson(on: CalendarDate, knownAtMs?: number): string {
    const items = this.attention(on, knownAtMs);
    return knownAtMs === undefined ? keptJsonArray(items, this.json) : JSON.stringify(items);
  }

  /** Each kept item's JSON (dropped with the item). */
  private readonly json = new WeakMap<AttentionItem, string>();

  attention(on: CalendarDate, knownAtMs?: number): AttentionItem[] {
    const items: AttentionItem[] = [];
    const known = knownAtMs === undefined ? undefined : this.arrangements.knownArrangements(knownAtMs);
    const termYear = Number(termContaining(on).start.slice(0, 4));
    const day = dayNumber(on);
    for (const record of this.arrangements.records.values()) {
      if (!known) {
        // Known now: the items depend only on the record and the step `on` is in, so each step's answer is kept.
        const provider = providerOf(record, this.arrangements.current.federations);
        record.attention ??= attentionSteps([record.federation, record.agreement, record.study, provider], record.events.length > 0 ? [record.events[0].recordedAt.slice(0, 10)] : []);
        const step = stepIndex(record.attention, day);
        const kept = keptItems(record.attention, termYear, step) ?? keepItems(record.attention, termYear, step, arrangementAttention(record, record.events, record.federation, record.agreement, record.study, on, provider), this.json);
        for (const item of kept) items.push(item);
        continue;
      }
      const events = record.events.filter((e) => e.recordedAtMs <= (knownAtMs as number));
      if (events.length === 0) continue;
      const study = record.kind === 'study' ? foldStudy(events) : undefined;
      const agreement = known.agreements.get(record.id);
      items.push(...arrangementAttention(record, events, known.federations.get(record.id), agreement, study, on, agreement && providerOf({ agreement }, known.federations)));
    }
    for (const key of this.cells.cellsWithTransfers()) {
      // Known now, most cells never lapse: one lookup each, not a search of their step function.
      if (!known && !this.cells.hasLapse(key)) continue;
      const [code, area] = key.split('/');
      const interval = intervalOn(this.cells.timelineOf(code, area, knownAtMs, known), on);
      if (interval.lapsed) {
        items.push({
          kind: 'provision-lapsed',
          subject: `${code}/${area}`,
          detail: `${this.reference.municipalityView(code).name}'s ${area} lapsed to in-house on ${interval.from}: ${describeEnd(interval)}; no successor is recorded.`,
          ...(interval.from ? { due: interval.from } : {}),
          facts: lapseFacts(code, area, interval),
        });
      }
    }
    return items.sort(compareAttention);
  }
}
