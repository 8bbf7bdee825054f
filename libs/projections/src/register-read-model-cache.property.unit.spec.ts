import fc from 'fast-check';
import { deserialize, serialize } from 'node:v8';
import type { RecordedEvent } from '@samverkan/event-store';
import { DATES, expandPlanItem, FEDERATION_IDS, MUNICIPALITIES, plan, propertySettings, seedFromEnvironment, SERVICE_AREAS } from '../../domain/src/properties/testing/arbitraries';
import { LoggedEvent, nextDay } from '../../domain/src/properties/testing/naive-register';
import { World } from '../../domain/src/properties/testing/world';
import { ProvisionChangeTracker } from './provision-changes';
import { RegisterReadModel } from './register-read-model';

/**
 * The read model's caches (issue 12): after any sequence of events, with questions asked in
 * between (so caches are filled, then dropped by later events), every answer equals the one a
 * fresh model gives, which computes everything from the facts. The change tracker that skipped
 * the first events (start-up) derives the same changes afterwards as one that derived all, and
 * a model restored from `exportState` through a v8 round trip answers like the original, also
 * after both apply the rest of the log.
 *
 * The seed is fixed (FC_SEED overrides it, FC_SEED=random picks one) and printed in the test name.
 */

const SEED = seedFromEnvironment();
const RUNS = 150;
const STEPS = 40;
const PROBE_DAYS = [...new Set([...DATES, ...DATES.map(nextDay)])].sort();

function recorded(e: LoggedEvent): RecordedEvent {
  const metadata = { commandId: `command-${e.position}`, correlationId: `command-${e.position}`, causationId: `command-${e.position}`, actor: 'property-test', source: 'property-test', recordedAt: e.recordedAt, schemaVersion: 1 };
  return { id: e.id, stream: e.stream, revision: e.revision, position: e.position, type: e.type, data: e.data, metadata, created: e.recordedAt };
}

let correctionsOfCorrections = 0;

function runPlan(items: Parameters<typeof expandPlanItem>[0][]): World {
  const world = new World(MUNICIPALITIES, SERVICE_AREAS);
  for (const item of items) for (const step of expandPlanItem(item, world)) world.run(step);
  // The generator corrects transfers already corrected and corrections' replacements too (a correction may itself be corrected).
  const named = new Set<string>();
  for (const e of world.log) {
    if (e.type !== 'CorrectionRecorded') continue;
    if (named.has(e.data.corrects.transferId)) correctionsOfCorrections++;
    named.add(e.data.corrects.transferId);
    if (e.data.replacement) named.add(e.data.replacement.transferId);
  }
  return world;
}

function fresh(log: readonly LoggedEvent[]): RegisterReadModel {
  const model = new RegisterReadModel();
  for (const e of log) model.apply(recorded(e));
  return model;
}

let matrixTextsCompared = 0;
let listsCompared = 0;

/** The matrix's directly written JSON (issue 12) is, to the byte, the JSON of the matrix's objects. */
function matrixText(model: RegisterReadModel, day: string, county?: string, knownAtMs?: number, areas?: readonly string[]): unknown {
  const objects = model.matrix(day, county, knownAtMs, areas);
  const text = model.matrixJson(day, county, knownAtMs, areas);
  if (text !== JSON.stringify(objects)) throw new Error(`matrixJson(${day}, ${county}, ${knownAtMs}, ${areas?.join(',')}) differs from JSON.stringify(matrix(…)):\n${text}\n${JSON.stringify(objects)}`);
  matrixTextsCompared++;
  return objects;
}

/** Every question the queries ask, known now, on `days` (and one as known at `knownAtMs`), as one JSON text. */
function answers(model: RegisterReadModel, days: readonly string[], knownAtMs?: number): string {
  const out: unknown[] = [];
  for (const day of days) {
    // Some columns only (GET /v1/matrix?serviceArea=), asked in another order than the register's.
    out.push(matrixText(model, day), matrixText(model, day, '05'), matrixText(model, day, undefined, undefined, [SERVICE_AREAS[1], SERVICE_AREAS[0]]), model.attention(day));
    for (const id of FEDERATION_IDS) out.push(model.recipients({ kind: 'federation', id }, day));
    for (const code of MUNICIPALITIES) out.push(model.recipients({ kind: 'municipality', code }, day), model.provisions(code, day));
  }
  for (const code of MUNICIPALITIES) {
    out.push(model.timeline(code), model.membershipsOf(code));
    for (const area of SERVICE_AREAS) out.push(model.history(code, area));
  }
  out.push(model.listArrangements({}, '2021-01-01'));
  // The list known now (in order as records are added, each summary kept for its day) is the list folded afresh (as known at a moment after every event).
  for (const today of ['2019-06-15', '2021-01-01']) {
    for (const filter of [{}, { kind: 'agreement' }, { status: 'active' }, { status: 'proposed' }, { status: 'concluded' }, { party: MUNICIPALITIES[0] }, { party: MUNICIPALITIES[1], on: '2020-01-01' }, { serviceArea: SERVICE_AREAS[0] }]) {
      const now = JSON.stringify(model.listArrangements(filter, today));
      if (model.listArrangementsJson(filter, today) !== now) throw new Error(`listArrangementsJson(${JSON.stringify(filter)}, ${today}) differs from JSON.stringify(listArrangements(…))`);
      if (now !== JSON.stringify(model.listArrangements(filter, today, Number.MAX_SAFE_INTEGER))) throw new Error(`listArrangements(${JSON.stringify(filter)}, ${today}) known now differs from the list folded afresh: ${now}`);
      listsCompared++;
    }
  }
  if (knownAtMs !== undefined) out.push(matrixText(model, days[0], undefined, knownAtMs), matrixText(model, days[0], '04', knownAtMs), model.attention(days[0], knownAtMs), ...MUNICIPALITIES.flatMap((code) => SERVICE_AREAS.map((area) => model.history(code, area, knownAtMs))));
  if (knownAtMs !== undefined) out.push(model.listArrangements({}, '2021-01-01', knownAtMs), model.timeline(MUNICIPALITIES[0], knownAtMs), model.membershipsOf(MUNICIPALITIES[0], knownAtMs), model.listMunicipalities(undefined, knownAtMs), model.listServiceAreas(knownAtMs));
  return JSON.stringify(out);
}

/** A few questions, so that some cells and arrangements are cached when the next event arrives. */
function warm(model: RegisterReadModel, day: string): void {
  model.matrix(day);
  model.attention(day);
  model.recipients({ kind: 'federation', id: FEDERATION_IDS[0] }, day);
}

describe(`the read model's caches against fresh recomputation (seed ${SEED}; FC_SEED to change it)`, () => {
  const seen = { cachedAnswers: 0, changesAfterSkip: 0, restored: 0 };

  it(`answers every question as a fresh model does, with questions asked between the events (${RUNS} sequences, seed ${SEED})`, () => {
    fc.assert(
      fc.property(plan(STEPS), fc.array(fc.nat({ max: PROBE_DAYS.length - 1 }), { minLength: 1, maxLength: 200 }), (items, askOn) => {
        const { log } = runPlan(items);
        const model = new RegisterReadModel();
        log.forEach((e, i) => {
          model.apply(recorded(e));
          const ask = askOn[i % askOn.length];
          if (ask % 3 !== 0) warm(model, PROBE_DAYS[ask]);
          // Now and then the whole comparison, in the middle of the log too.
          if (i === log.length - 1 || ask % 17 === 0) {
            const expected = answers(fresh(log.slice(0, i + 1)), PROBE_DAYS);
            if (answers(model, PROBE_DAYS) !== expected) throw new Error(`After event ${i + 1} of ${log.length} (${e.type}) the cached answers differ from a fresh model's`);
            seen.cachedAnswers++;
          }
        });
      }),
      propertySettings(SEED + 10, RUNS),
    );
  });

  it(`a tracker that skipped the first events derives the same changes after them as one that derived all (${RUNS} sequences, seed ${SEED})`, () => {
    fc.assert(
      fc.property(plan(STEPS), fc.integer({ min: 0, max: 999 }), fc.boolean(), (items, cut, warmFirst) => {
        const { log } = runPlan(items);
        const k = Math.floor((cut / 1000) * log.length);
        const all = new RegisterReadModel();
        const derivingAll = new ProvisionChangeTracker(all);
        const late = new RegisterReadModel();
        const derivingLate = new ProvisionChangeTracker(late);
        log.forEach((e, i) => {
          const event = recorded(e);
          all.apply(event);
          const expected = derivingAll.observe(event);
          late.apply(event);
          if (i < k) {
            derivingLate.skip(event);
            if (warmFirst) warm(late, PROBE_DAYS[i % PROBE_DAYS.length]);
            return;
          }
          const actual = derivingLate.observe(event);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`Event ${i + 1} (${e.type}), after skipping ${k}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
          seen.changesAfterSkip += actual.length;
        });
        expect(JSON.stringify(derivingLate.cells().spansOf(MUNICIPALITIES[0], SERVICE_AREAS[0]))).toBe(JSON.stringify(derivingAll.cells().spansOf(MUNICIPALITIES[0], SERVICE_AREAS[0])));
      }),
      propertySettings(SEED + 11, RUNS),
    );
  });

  it(`a model restored from exportState through v8.serialize answers as the original, before and after the rest of the log (${RUNS} sequences, seed ${SEED})`, () => {
    fc.assert(
      fc.property(plan(STEPS), fc.integer({ min: 0, max: 1000 }), (items, cut) => {
        const { log } = runPlan(items);
        const k = Math.floor((cut / 1000) * log.length);
        const original = fresh(log.slice(0, k));
        warm(original, PROBE_DAYS[0]);
        const restored = new RegisterReadModel();
        restored.importState(deserialize(serialize(original.exportState())));
        const knownAtMs = k > 0 ? Date.parse(log[Math.floor(k / 2)].recordedAt) : undefined;
        expect(restored.position).toBe(original.position);
        expect(restored.eventCount).toBe(original.eventCount);
        if (answers(restored, PROBE_DAYS, knownAtMs) !== answers(original, PROBE_DAYS, knownAtMs)) throw new Error(`Restored after ${k} of ${log.length} events, the model answers differently`);
        for (const e of log.slice(k)) {
          original.apply(recorded(e));
          restored.apply(recorded(e));
        }
        if (answers(restored, PROBE_DAYS, knownAtMs) !== answers(original, PROBE_DAYS, knownAtMs)) throw new Error(`Restored after ${k} of ${log.length} events, then fed the rest, the model answers differently`);
        seen.restored++;
      }),
      propertySettings(SEED + 12, RUNS),
    );
  });

  it('refuses a state of another format, and keeps what it had', () => {
    const model = fresh(runPlan([]).log);
    const before = answers(model, PROBE_DAYS.slice(0, 2));
    expect(() => model.importState({ version: 0 })).toThrow(/version/);
    expect(() => model.importState(null)).toThrow(/version/);
    expect(answers(model, PROBE_DAYS.slice(0, 2))).toBe(before);
  });

  it('exercised what it speaks of: cached answers compared, changes after a skip, restored models, matrix texts, corrections of corrections', () => {
    expect(seen.cachedAnswers).toBeGreaterThan(RUNS);
    expect(seen.changesAfterSkip).toBeGreaterThan(0);
    expect(seen.restored).toBe(RUNS);
    expect(matrixTextsCompared).toBeGreaterThan(RUNS * PROBE_DAYS.length);
    expect(listsCompared).toBeGreaterThan(RUNS * 16);
    expect(correctionsOfCorrections).toBeGreaterThan(0);
  });
});
