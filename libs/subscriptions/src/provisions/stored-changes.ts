import { ProvisionChange, ProvisionSpan, basisViewOf } from '@samverkan/projections';
import { provisionEventId } from '../sse/sse-frame';

/** The event a change came from; one per event, shared by its changes. */
interface Cause {
  type: string;
  stream: string;
  recordedAt: string;
}

/**
 * One derived change, kept for resuming subscribers. It is kept small: the span is the
 * tracker's own object (shared with its cache, and one in-house span per municipality for
 * all the untouched cells), the cause is shared by the changes of one event, and the payload
 * is serialized only when it is sent.
 */
export interface StoredChange {
  readonly position: number;
  readonly index: number;
  readonly of: number;
  readonly municipality: string;
  readonly serviceArea: string;
  readonly countyCode: string;
  readonly span: ProvisionSpan;
  readonly cause: Cause;
}

/** The SSE `id:` of a kept change (see provisionEventId). */
export function storedChangeId(change: StoredChange): string {
  return provisionEventId(change.position, change.index, change.of);
}

/** A change as it is published live: its frame is serialized once, for all the subscribers that want it. */
export class LiveChange {
  private serialized?: string;
  constructor(
    readonly change: StoredChange,
    private readonly serialize: (change: StoredChange) => string,
  ) {}
  get frame(): string {
    this.serialized ??= this.serialize(this.change);
    return this.serialized;
  }
}

/** What a provisions subscriber asked for; an absent set lets everything through. */
export interface ProvisionFilter {
  municipalities?: ReadonlySet<string>;
  counties?: ReadonlySet<string>;
  serviceAreas?: ReadonlySet<string>;
}

/** What a filter names that the register does not know, as a not-found names it ("municipality 9999", "county 99", "service area 'payrol'"). */
export function unknownInProvisionFilter(filter: ProvisionFilter, known: { hasMunicipality(code: string): boolean; hasCounty(code: string): boolean; hasServiceArea(slug: string): boolean }): string[] {
  return [
    ...[...(filter.municipalities ?? [])].filter((code) => !known.hasMunicipality(code)).map((code) => `municipality ${code}`),
    ...[...(filter.counties ?? [])].filter((code) => !known.hasCounty(code)).map((code) => `county ${code}`),
    ...[...(filter.serviceAreas ?? [])].filter((slug) => !known.hasServiceArea(slug)).map((slug) => `service area '${slug}'`),
  ];
}

export function matchesProvisionFilter(filter: ProvisionFilter, municipality: string, countyCode: string, serviceArea: string): boolean {
  return (
    (!filter.municipalities || filter.municipalities.has(municipality)) &&
    (!filter.counties || filter.counties.has(countyCode)) &&
    (!filter.serviceAreas || filter.serviceAreas.has(serviceArea))
  );
}

/** The `provision-changed` payload (contract: Subscriptions; the fields after `position` are extra). */
export function provisionChangedPayload(change: Pick<ProvisionChange, 'municipality' | 'serviceArea' | 'provider' | 'basis' | 'effectiveFrom' | 'position' | 'until' | 'lapsed' | 'reason' | 'recordedAt' | 'cause'>): Record<string, unknown> {
  return {
    municipality: change.municipality,
    serviceArea: change.serviceArea,
    provider: change.provider,
    basis: change.basis,
    effectiveFrom: change.effectiveFrom,
    position: change.position,
    until: change.until,
    lapsed: change.lapsed,
    ...(change.reason ? { reason: change.reason } : {}),
    recordedAt: change.recordedAt,
    cause: change.cause,
  };
}

/** The changes of one event as they are kept: the cause shared by all of them. */
export function storedChanges(event: { type: string; stream: string }, changes: ProvisionChange[]): StoredChange[] {
  if (changes.length === 0) return [];
  const cause: Cause = { type: event.type, stream: event.stream, recordedAt: changes[0].recordedAt };
  return changes.map((change) => ({
    position: change.position,
    index: change.index,
    of: change.of,
    municipality: change.municipality,
    serviceArea: change.serviceArea,
    countyCode: change.countyCode,
    span: change.span,
    cause,
  }));
}

export function snapshotPayload(code: string, area: string, span: ProvisionSpan, position: number, provider: unknown): Record<string, unknown> {
  return {
    municipality: code,
    serviceArea: area,
    provider,
    basis: basisViewOf(span.basis),
    effectiveFrom: span.from,
    position,
    until: span.until,
    lapsed: span.lapsed,
    ...(span.reason ? { reason: span.reason } : {}),
  };
}
