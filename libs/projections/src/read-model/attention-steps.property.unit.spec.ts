import fc from 'fast-check';
import { addDays, termContaining } from '@samverkan/domain';
import type { RecordedEvent } from '@samverkan/event-store';
import { DATES, expandPlanItem, MUNICIPALITIES, plan, propertySettings, seedFromEnvironment, SERVICE_AREAS } from '../../../domain/src/properties/testing/arbitraries';
import { LoggedEvent } from '../../../domain/src/properties/testing/naive-register';
import { World } from '../../../domain/src/properties/testing/world';
import { RegisterReadModel } from '../register-read-model';
import { ENDING_HORIZON_DAYS } from './attention-rules';

/**
 * The attention list keeps each arrangement's items per step of the day asked about
 * (attention-steps.ts). Against the list computed with no cache at all (as known at a moment
 * after every event, which folds each arrangement again and asks the rules on that very day),
 * on days asked in any order (and its JSON, written from the items' kept JSON, to the byte): the generated histories' own dates, the days around them and
 * around their ending horizons, terms of office, and random days. If a step were too long
 * (a boundary missed), two days in it would get one answer where the rules give two.
 *
 * The seed is fixed (FC_SEED overrides it, FC_SEED=random picks one) and printed in the test name.
 */

const SEED = seedFromEnvironment();
const RUNS = 120;
const STEPS = 40;
const EVERYTHING_KNOWN_MS = Number.MAX_SAFE_INTEGER;

const around = (day: string, base: number): string[] => [-1, 0, 1].map((d) => addDays(day, base + d));
const TERM_STARTS = [2010, 2014, 2018, 2022, 2026].map((year) => `${year}-10-15`);
const CANDIDATE_DAYS = [
  ...new Set([
    ...DATES.flatMap((day) => [...around(day, 0), ...around(day, -ENDING_HORIZON_DAYS)]),
    ...TERM_STARTS.flatMap((day) => around(day, 0)),
    '2016-03-09',
    '2025-05-20',
    '2031-01-01',
  ]),
].sort();

function recorded(e: LoggedEvent): RecordedEvent {
  const metadata = { commandId: `command-${e.position}`, correlationId: `command-${e.position}`, causationId: `command-${e.position}`, actor: 'property-test', source: 'property-test', recordedAt: e.recordedAt, schemaVersion: 1 };
  return { id: e.id, stream: e.stream, revision: e.revision, position: e.position, type: e.type, data: e.data, metadata, created: e.recordedAt };
}

describe(`the attention list's steps against the rules asked on each day (seed ${SEED}; FC_SEED to change it)`, () => {
  const seen = { days: 0, items: 0, kinds: new Set<string>() };

  it(`answers every day as the rules do, with days asked in any order between the events (${RUNS} sequences)`, () => {
    fc.assert(
      fc.property(plan(STEPS), fc.array(fc.nat({ max: CANDIDATE_DAYS.length - 1 }), { minLength: 5, maxLength: 60 }), fc.date({ min: new Date('2012-01-01'), max: new Date('2032-12-31'), noInvalidDate: true }), (items, asked, random) => {
        const world = new World(MUNICIPALITIES, SERVICE_AREAS);
        for (const item of items) for (const step of expandPlanItem(item, world)) world.run(step);
        const model = new RegisterReadModel();
        const days = [...asked.map((i) => CANDIDATE_DAYS[i]), random.toISOString().slice(0, 10)];
        world.log.forEach((e, i) => {
          model.apply(recorded(e));
          // Ask now and then while the log grows (steps are kept, then dropped by later events), and every day at the end.
          const now = i === world.log.length - 1 ? days : days.filter((_, k) => (k + i) % 7 === 0);
          for (const day of now) {
            const expected = JSON.stringify(model.attention(day, EVERYTHING_KNOWN_MS));
            const actual = model.attention(day);
            const written = model.attentionJson(day);
            if (written !== JSON.stringify(actual)) throw new Error(`On ${day} attentionJson differs from JSON.stringify(attention):\n${written}\n${JSON.stringify(actual)}`);
            if (JSON.stringify(actual) !== expected) throw new Error(`After event ${i + 1} (${e.type}), on ${day} (term from ${termContaining(day).start}): ${JSON.stringify(actual)} instead of ${expected}`);
            seen.days++;
            seen.items += actual.length;
            for (const item of actual) seen.kinds.add(item.kind);
          }
        });
      }),
      propertySettings(SEED + 30, RUNS),
    );
  });

  afterAll(() => {
    // The histories must be rich enough to say something: items of most kinds were compared.
    expect(seen.items).toBeGreaterThan(1000);
    expect(seen.kinds.size).toBeGreaterThanOrEqual(5);
  });
});
