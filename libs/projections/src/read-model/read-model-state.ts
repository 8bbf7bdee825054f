import type { ArrangementFacts, ArrangementsView } from './arrangements-view';
import type { CellsView } from './cells-view';
import type { ReferenceView } from './reference-view';
import type { TimelinesView } from './timelines-view';
import { TimelineColumns, TransferColumns, decodeTransfers, encodeTransfers } from './transfer-columns';
import type { MunicipalityView, ServiceAreaView } from './types';

/** The version of `exportState`'s format; `importState` refuses any other. */
export const READ_MODEL_STATE_VERSION = 4;

/** The read model's source facts as plain data (Maps, arrays, plain objects) for `v8.serialize`. */
export interface RegisterReadModelState {
  version: typeof READ_MODEL_STATE_VERSION;
  position: number;
  count: number;
  municipalities: Map<string, MunicipalityView>;
  serviceAreas: Map<string, ServiceAreaView>;
  /** When each municipality and service area was first recorded (ms); since version 2. */
  municipalitiesSince: Map<string, number>;
  serviceAreasSince: Map<string, number>;
  /** Each transfer with the event that recorded it, its line of corrections and what withdrew it (since version 3), as columns (since version 4). */
  transfers: TransferColumns;
  arrangements: ArrangementFacts[];
  /** Each municipality's timeline, its transfers by their number in `transfers` (since version 4). */
  timelines: TimelineColumns;
}

/** The views whose facts a snapshot keeps (the attention list keeps none: its cache is on the arrangements' records). */
export interface ReadModelViews {
  reference: ReferenceView;
  arrangements: ArrangementsView;
  cells: CellsView;
  timelines: TimelinesView;
}

/** The facts of `views` at `position`; it shares their objects, so serialize it before the next event is applied. */
export function exportViews(views: ReadModelViews, position: number, count: number): RegisterReadModelState {
  const { columns, timelines } = encodeTransfers(views.cells.transfers, views.timelines.timelines);
  return {
    version: READ_MODEL_STATE_VERSION,
    position,
    count,
    municipalities: views.reference.municipalities,
    serviceAreas: views.reference.serviceAreas,
    municipalitiesSince: views.reference.municipalitiesSince,
    serviceAreasSince: views.reference.serviceAreasSince,
    transfers: columns,
    arrangements: [...views.arrangements.records.values()].map(({ kind, id, stream, events }) => ({ kind, id, stream, events })),
    timelines,
  };
}

/** `state` checked to be a read model state of this version; throws (changing nothing) otherwise. */
export function checkedState(state: unknown): RegisterReadModelState {
  const s = state as RegisterReadModelState;
  if (s === null || typeof s !== 'object' || s.version !== READ_MODEL_STATE_VERSION) throw new Error(`Not a read model state of version ${READ_MODEL_STATE_VERSION}`);
  return s;
}

/** Replaces every view's facts with the state's (caches are dropped and rebuilt lazily). */
export function importViews(views: ReadModelViews, s: RegisterReadModelState): void {
  const decoded = decodeTransfers(s.transfers, s.timelines);
  views.reference.restore(s);
  views.cells.restore(decoded.transfers, s.transfers);
  views.arrangements.restore(s.arrangements);
  views.timelines.restore(decoded.timelines);
}
