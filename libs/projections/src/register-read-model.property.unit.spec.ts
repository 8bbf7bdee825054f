import fc from 'fast-check';
import type { RecordedEvent } from '@samverkan/event-store';
import { DATES, expandPlanItem, FEDERATION_IDS, MUNICIPALITIES, plan, propertySettings, seedFromEnvironment, SERVICE_AREAS } from '../../domain/src/properties/testing/arbitraries';
import { basisKeyOf, interestingDays, LoggedEvent, naiveCell, NaiveProvision, nextDay, providerKeyOf } from '../../domain/src/properties/testing/naive-register';
import { World } from '../../domain/src/properties/testing/world';
import { Provision, RegisterReadModel } from './register-read-model';

/**
 * The read model against a naive recomputation from the events (issue 7, item 3). Random
 * command sequences run through the deciders (the world of libs/domain/src/properties); the
 * events they record are fed to RegisterReadModel as the store would deliver them, and every
 * provision it answers, on every probe day, as known now and as known at earlier moments, must
 * equal what the naive model (testing/naive-register.ts) computes straight from the events:
 * rules 1, 2 and 4, and 7 (as known at T). The attention list must show exactly the lapses
 * (rule 4: never silent), and the recipients of each federation exactly the cells it provides.
 *
 * The seed is fixed (FC_SEED overrides it, FC_SEED=random picks one) and printed in the test name
 * and, with the counterexample and its replay path, in every failure.
 */

const SEED = seedFromEnvironment();
const RUNS = 300;
const STEPS = 40;
const PROBE_DAYS = [...new Set([...DATES, ...DATES.map(nextDay)])].sort();
/** Before everything the steps use: the in-house default, and the first day of any history. */
const EARLY = '1990-01-01';

function recorded(e: LoggedEvent): RecordedEvent {
  const metadata = { commandId: `command-${e.position}`, correlationId: `command-${e.position}`, causationId: `command-${e.position}`, actor: 'property-test', source: 'property-test', recordedAt: e.recordedAt, schemaVersion: 1 };
  return { id: e.id, stream: e.stream, revision: e.revision, position: e.position, type: e.type, data: e.data, metadata, created: e.recordedAt };
}

function readModelOf(log: readonly LoggedEvent[]): RegisterReadModel {
  const model = new RegisterReadModel();
  for (const e of log) model.apply(recorded(e));
  return model;
}

/** A provision as both sides can say it: provider and basis by key, first and last day, lapsed. */
const fromReadModel = (p: Provision) => ({
  provider: p.provider.kind === 'federation' ? `federation:${p.provider.id}` : `${p.provider.kind}:${p.provider.code}`,
  basis: p.basis.kind === 'in-house' ? 'in-house' : `${p.basis.kind}:${p.basis.id}`,
  since: p.since,
  until: p.until,
  lapsed: p.lapsed,
});
const fromNaive = (p: NaiveProvision) => ({ provider: providerKeyOf(p.provider), basis: basisKeyOf(p.basis), since: p.since ?? null, until: p.until ?? null, lapsed: p.lapsed });

const show = (value: unknown) => JSON.stringify(value);

function runPlan(items: Parameters<typeof expandPlanItem>[0][]): World {
  const world = new World(MUNICIPALITIES, SERVICE_AREAS);
  for (const item of items) for (const step of expandPlanItem(item, world)) world.run(step);
  return world;
}

/** Rules 1, 2, 4 (and 7 when `knownAtMs` is given): every cell on every probe day equals the naive recomputation from `log`. */
function expectProvisionsMatch(model: RegisterReadModel, log: readonly LoggedEvent[], knownAtMs?: number): number {
  const days = interestingDays(log);
  let lapses = 0;
  for (const code of MUNICIPALITIES) {
    for (const area of SERVICE_AREAS) {
      const naive = naiveCell(log, code, area, days);
      for (const day of PROBE_DAYS) {
        const actual = fromReadModel(model.provision(code, area, day, knownAtMs));
        const expected = fromNaive(naive(day));
        if (show(actual) !== show(expected)) {
          throw new Error(`Rule ${expected.lapsed ? 4 : 2}: ${code}/${area} on ${day}${knownAtMs === undefined ? '' : ` as known at ${new Date(knownAtMs).toISOString()}`}: the read model says ${show(actual)}, the events say ${show(expected)}`);
        }
        if (expected.lapsed) lapses++;
      }
    }
  }
  return lapses;
}

/** Whether some provision as known then differs from the same provision as known now (so the check as known at T is not vacuous). */
function laterKnowledgeMatters(now: readonly LoggedEvent[], then: readonly LoggedEvent[]): boolean {
  return MUNICIPALITIES.some((code) =>
    SERVICE_AREAS.some((area) => {
      const [a, b] = [naiveCell(now, code, area), naiveCell(then, code, area)];
      return PROBE_DAYS.some((day) => show(fromNaive(a(day))) !== show(fromNaive(b(day))));
    }),
  );
}

describe(`the read model against a naive recomputation from the events (seed ${SEED}; FC_SEED to change it)`, () => {
  const seen = { lapses: 0, provided: 0, knownAtChecks: 0, knownAtDiffers: 0, recipients: 0, corrected: 0 };

  it(`answers every provision, as known now and at earlier moments, as the events say (${RUNS} sequences, seed ${SEED})`, () => {
    fc.assert(
      fc.property(plan(STEPS), fc.array(fc.integer({ min: 0, max: 999 }).noBias(), { minLength: 1, maxLength: 3 }), (items, cuts) => {
        const world = runPlan(items);
        const model = readModelOf(world.log);
        seen.lapses += expectProvisionsMatch(model, world.log);
        // Rule 7: as the register knew it at the time the k-th event was recorded (transfers, corrections and arrangements recorded later unseen).
        for (const cut of cuts) {
          const k = Math.floor((cut / 1000) * world.log.length);
          const knownAtMs = Date.parse(world.log[k].recordedAt);
          const knownThen = world.log.filter((e) => Date.parse(e.recordedAt) <= knownAtMs);
          expectProvisionsMatch(model, knownThen, knownAtMs);
          seen.knownAtChecks++;
          if (laterKnowledgeMatters(world.log, knownThen)) seen.knownAtDiffers++;
        }
      }),
      propertySettings(SEED, RUNS),
    );
  });

  it(`puts exactly the lapsed provisions on the attention list, and lists each federation's recipients (${RUNS} sequences, seed ${SEED})`, () => {
    fc.assert(
      fc.property(plan(STEPS), (items) => {
        const world = runPlan(items);
        const model = readModelOf(world.log);
        const days = interestingDays(world.log);
        const cells = MUNICIPALITIES.flatMap((code) => SERVICE_AREAS.map((area) => ({ code, area, naive: naiveCell(world.log, code, area, days) })));
        for (const day of PROBE_DAYS) {
          const lapsed = cells.filter((c) => c.naive(day).lapsed).map((c) => `${c.code}/${c.area}`).sort();
          const listed = model.attention(day).filter((item) => item.kind === 'provision-lapsed').map((item) => item.subject).sort();
          if (show(listed) !== show(lapsed)) throw new Error(`Rule 4: on ${day} the attention list shows lapses ${show(listed)}, the events say ${show(lapsed)}`);
          for (const id of FEDERATION_IDS) {
            const provided = cells.filter((c) => providerKeyOf(c.naive(day).provider) === `federation:${id}`).map((c) => `${c.code}/${c.area}`).sort();
            const recipients = model.recipients({ kind: 'federation', id }, day).map((r) => `${r.municipality.code}/${r.serviceArea}`).sort();
            if (show(recipients) !== show(provided)) throw new Error(`On ${day} the read model lists ${show(recipients)} as ${id}'s recipients, the events say ${show(provided)}`);
            seen.recipients += provided.length;
          }
        }
      }),
      propertySettings(SEED + 1, RUNS),
    );
  });

  it(`gives histories that cover every day once, each step as the events say, and ignores an event applied twice (${RUNS} sequences, seed ${SEED})`, () => {
    fc.assert(
      fc.property(plan(STEPS), (items) => {
        const world = runPlan(items);
        const model = readModelOf(world.log);
        const days = interestingDays(world.log);
        for (const code of MUNICIPALITIES) {
          for (const area of SERVICE_AREAS) {
            // Decision "corrections stay visible in the history": what a correction withdrew is listed too, marked
            // `correctedBy`; the entries that hold (the others) are the step function.
            const listed = model.history(code, area);
            const history = listed.filter((entry) => entry.correctedBy === undefined);
            if (listed.some((entry) => entry.correctedBy !== undefined)) seen.corrected++;
            const naive = naiveCell(world.log, code, area, days);
            // Rule 1: from the beginning to the end, each entry starting the day after the one before ends.
            if (history[0].from !== null || history[history.length - 1].to !== null) throw new Error(`Rule 1: ${code}/${area} history does not run from the beginning to the end: ${show(history)}`);
            history.forEach((entry, i) => {
              if (i > 0 && entry.from !== nextDay(history[i - 1].to as string)) throw new Error(`Rule 1: ${code}/${area} history has a gap or overlap: ${show(history)}`);
              const expected = naive(entry.from ?? EARLY);
              const actual = { basis: basisKeyOf(entry.basis), lapsed: entry.lapsed, from: entry.from, to: entry.to };
              const wanted = { basis: basisKeyOf(expected.basis), lapsed: expected.lapsed, from: expected.since ?? null, to: expected.until ?? null };
              if (show(actual) !== show(wanted)) throw new Error(`Rule 2/4: ${code}/${area} history entry ${show(entry)} differs from the events: ${show(wanted)}`);
              if (!entry.lapsed && entry.basis.kind !== 'in-house') seen.provided++;
            });
          }
        }
        // Delivered again (a resumed subscription): nothing changes.
        const before = show(model.matrix(PROBE_DAYS[PROBE_DAYS.length - 1]));
        const applied = world.log.map((e) => model.apply(recorded(e)));
        if (applied.some(Boolean) || show(model.matrix(PROBE_DAYS[PROBE_DAYS.length - 1])) !== before) throw new Error('Re-applying the log changed the read model');
      }),
      propertySettings(SEED + 2, RUNS),
    );
  });

  // FC_STATS=1 prints the counts (to tune the generators).
  afterAll(() => {
    if (process.env.FC_STATS) console.log(seen);
  });

  it('exercised what the rules speak of: lapses, provisions on a basis, past knowledge, recipients, corrected entries in histories', () => {
    expect(seen.lapses).toBeGreaterThan(0);
    expect(seen.provided).toBeGreaterThan(0);
    expect(seen.knownAtChecks).toBeGreaterThan(0);
    expect(seen.knownAtDiffers).toBeGreaterThan(0);
    expect(seen.recipients).toBeGreaterThan(0);
    expect(seen.corrected).toBeGreaterThan(0);
  });
});
