import { Basis, IN_HOUSE, ProviderRef } from '@samverkan/domain';
import type { CorrectedRef, CorrectionRef, LoggedEvent, TimelineRef, TransferEntry } from './types';

/**
 * The read model's transfers in a snapshot, as columns rather than one object each.
 *
 * `v8.serialize` writes every object with all its property names, and `v8.deserialize` then
 * builds each object key by key: at a million transfers that was a 586 MB file, and loading it
 * was mostly the deserializer and the garbage collector (49 % of a start from a snapshot). As
 * columns, the values transfers share (dates, service areas, streams, bases, providers; a few
 * thousand) are written once in tables, each transfer's own values (ids, times) are written as
 * arrays of strings and typed arrays, and the few fields most transfers leave empty (a
 * correction's references) are written only where set. The municipalities' timelines name a
 * transfer by its number in the columns. Decoding builds every entry with one shape and shares
 * the table values, so the interner only needs the tables, not a pass over every entry.
 */
export interface TransferColumns {
  /** The cells, and how many transfers each has; the transfers follow cell by cell, each cell's in its own order. */
  cells: string[];
  counts: Uint32Array;
  /** The shared strings, bases and providers the index columns point into. */
  strings: string[];
  bases: Basis[];
  providers: ProviderRef[];
  basis: Uint32Array;
  provider: Uint32Array;
  decidedOn: Uint32Array;
  effectiveFrom: Uint32Array;
  municipality: Uint32Array;
  serviceArea: Uint32Array;
  stream: Uint32Array;
  /** 0: none; otherwise 1 + the string's index. */
  successorType: Uint32Array;
  transferId: string[];
  eventId: string[];
  recordedAt: string[];
  order: Float64Array;
  recordedAtMs: Float64Array;
  /** NaN: never withdrawn. */
  withdrawnAtMs: Float64Array;
  withdrawnAt: Float64Array;
  /** The transfers a field is set for, and its values there. */
  rootAt: number[];
  root: string[];
  correctsAt: number[];
  corrects: CorrectedRef[];
  withdrawnByAt: number[];
  withdrawnBy: CorrectionRef[];
}

/** A municipality's timeline in a snapshot: its logged events as they are, its transfers by number. */
export type TimelineColumns = Map<string, (LoggedEvent | number)[]>;

class Table<T> {
  readonly values: T[] = [];
  private readonly index = new Map<T, number>();

  of(value: T): number {
    let at = this.index.get(value);
    if (at === undefined) {
      at = this.values.length;
      this.values.push(value);
      this.index.set(value, at);
    }
    return at;
  }
}

/** The transfers and the timelines that name them, as columns. */
export function encodeTransfers(transfers: ReadonlyMap<string, readonly TransferEntry[]>, timelines: ReadonlyMap<string, readonly TimelineRef[]>): { columns: TransferColumns; timelines: TimelineColumns } {
  let total = 0;
  for (const entries of transfers.values()) total += entries.length;
  const strings = new Table<string>();
  const bases = new Table<Basis>();
  const providers = new Table<ProviderRef>();
  const c: TransferColumns = {
    cells: [],
    counts: new Uint32Array(transfers.size),
    strings: strings.values,
    bases: bases.values,
    providers: providers.values,
    basis: new Uint32Array(total),
    provider: new Uint32Array(total),
    decidedOn: new Uint32Array(total),
    effectiveFrom: new Uint32Array(total),
    municipality: new Uint32Array(total),
    serviceArea: new Uint32Array(total),
    stream: new Uint32Array(total),
    successorType: new Uint32Array(total),
    transferId: new Array<string>(total),
    eventId: new Array<string>(total),
    recordedAt: new Array<string>(total),
    order: new Float64Array(total),
    recordedAtMs: new Float64Array(total),
    withdrawnAtMs: new Float64Array(total),
    withdrawnAt: new Float64Array(total),
    rootAt: [],
    root: [],
    correctsAt: [],
    corrects: [],
    withdrawnByAt: [],
    withdrawnBy: [],
  };
  const numberOf = new Map<TransferEntry, number>();
  let i = 0;
  for (const [cell, entries] of transfers) {
    c.counts[c.cells.length] = entries.length;
    c.cells.push(cell);
    for (const e of entries) {
      numberOf.set(e, i);
      // The interner shares bases and providers, so equal ones are one object (a few thousand).
      c.basis[i] = bases.of(e.basis);
      c.provider[i] = providers.of(e.provider);
      c.decidedOn[i] = strings.of(e.decidedOn);
      c.effectiveFrom[i] = strings.of(e.effectiveFrom);
      c.municipality[i] = strings.of(e.municipality);
      c.serviceArea[i] = strings.of(e.serviceArea);
      c.stream[i] = strings.of(e.stream);
      c.successorType[i] = e.successorType === undefined ? 0 : 1 + strings.of(e.successorType);
      c.transferId[i] = e.transferId;
      c.eventId[i] = e.eventId;
      c.recordedAt[i] = e.recordedAt;
      c.order[i] = e.order;
      c.recordedAtMs[i] = e.recordedAtMs;
      c.withdrawnAtMs[i] = e.withdrawnAtMs ?? Number.NaN;
      c.withdrawnAt[i] = e.withdrawnAt ?? Number.NaN;
      if (e.root !== undefined) {
        c.rootAt.push(i);
        c.root.push(e.root);
      }
      if (e.corrects !== undefined) {
        c.correctsAt.push(i);
        c.corrects.push(e.corrects);
      }
      if (e.withdrawnBy !== undefined) {
        c.withdrawnByAt.push(i);
        c.withdrawnBy.push(e.withdrawnBy);
      }
      i += 1;
    }
  }
  const encodedTimelines: TimelineColumns = new Map();
  for (const [code, refs] of timelines) {
    encodedTimelines.set(
      code,
      refs.map((ref) => {
        if ('event' in ref) return ref;
        const number = numberOf.get(ref);
        if (number === undefined) throw new Error(`The timeline of ${code} names transfer ${ref.transferId}, which no cell holds`);
        return number;
      }),
    );
  }
  return { columns: c, timelines: encodedTimelines };
}

/** What `encodeTransfers` wrote, as entries again (the shared values are the tables', so give those to the interner). */
export function decodeTransfers(c: TransferColumns, timelines: TimelineColumns): { transfers: Map<string, TransferEntry[]>; timelines: Map<string, TimelineRef[]> } {
  const bases = c.bases.map((basis) => (basis.kind === 'in-house' ? IN_HOUSE : basis));
  const entries = new Array<TransferEntry>(c.transferId.length);
  const sparse = <T>(at: number[], values: T[]): Map<number, T> => new Map(at.map((index, k) => [index, values[k]]));
  const roots = sparse(c.rootAt, c.root);
  const corrects = sparse(c.correctsAt, c.corrects);
  const withdrawnBy = sparse(c.withdrawnByAt, c.withdrawnBy);
  const transfers = new Map<string, TransferEntry[]>();
  let i = 0;
  for (let cell = 0; cell < c.cells.length; cell++) {
    const list = new Array<TransferEntry>(c.counts[cell]);
    for (let k = 0; k < list.length; k++, i++) {
      const withdrawnAtMs = c.withdrawnAtMs[i];
      const withdrawnAt = c.withdrawnAt[i];
      const successorType = c.successorType[i];
      // The properties in the order CellsView.addTransfer writes them: one shape for every entry.
      const entry: TransferEntry = {
        transferId: c.transferId[i],
        basis: bases[c.basis[i]],
        provider: c.providers[c.provider[i]],
        decidedOn: c.strings[c.decidedOn[i]],
        effectiveFrom: c.strings[c.effectiveFrom[i]],
        order: c.order[i],
        recordedAt: c.recordedAt[i],
        municipality: c.strings[c.municipality[i]],
        serviceArea: c.strings[c.serviceArea[i]],
        stream: c.strings[c.stream[i]],
        recordedAtMs: c.recordedAtMs[i],
        successorType: successorType === 0 ? undefined : c.strings[successorType - 1],
        eventId: c.eventId[i],
        root: roots.get(i),
        corrects: corrects.get(i),
        withdrawnAtMs: Number.isNaN(withdrawnAtMs) ? undefined : withdrawnAtMs,
        withdrawnAt: Number.isNaN(withdrawnAt) ? undefined : withdrawnAt,
        withdrawnBy: withdrawnBy.get(i),
      };
      list[k] = entry;
      entries[i] = entry;
    }
    transfers.set(c.cells[cell], list);
  }
  const decodedTimelines = new Map<string, TimelineRef[]>();
  for (const [code, refs] of timelines) decodedTimelines.set(code, refs.map((ref) => (typeof ref === 'number' ? entries[ref] : ref)));
  return { transfers, timelines: decodedTimelines };
}
