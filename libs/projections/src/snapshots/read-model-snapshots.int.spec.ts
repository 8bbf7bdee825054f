import { Logger } from '@nestjs/common';
import { EventStore, EventStoreUnavailableError } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { makeEvent } from '@samverkan/event-store/testing';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_MODEL_STATE_VERSION } from '../register-read-model';
import { ReadModelSnapshots } from './read-model-snapshots';
import { SNAPSHOT_MAGIC } from './snapshot-file';
import { Tally, appendTallied, tallyRunner } from './testing/tally';

const runners: { onApplicationShutdown(): void }[] = [];
let dir: string;
let file: string;
let warnings: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'samverkan-snapshots-'));
  file = join(dir, 'snapshots', 'read-models.snap');
  warnings = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
  jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  for (const runner of runners.splice(0)) runner.onApplicationShutdown();
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** A runner with a tally on `store`, caught up with the log, and its snapshots in `file`. */
async function started(store: EventStore, tally = new Tally()) {
  const { runner } = tallyRunner(store, tally);
  runners.push(runner);
  const snapshots = new ReadModelSnapshots(runner, store, file);
  const load = await snapshots.load();
  await runner.start();
  return { runner, tally, snapshots, load };
}

/** A store with `count` events, a snapshot of them in `file`, and the tally that was saved. */
async function storeWithSnapshot(count: number) {
  const store = SqliteEventStore.inMemory();
  await appendTallied(store, count);
  const first = await started(store);
  const written = await first.snapshots.write();
  expect(written).toMatchObject({ events: count });
  return { store, saved: { ids: [...first.tally.ids], perStream: Object.fromEntries(first.tally.perStream) } };
}

/** The tally a rebuild from nothing gives on `store`. */
async function rebuilt(store: EventStore) {
  const { runner, tally } = tallyRunner(store);
  runners.push(runner);
  await runner.start();
  return contents(tally);
}

/** What a tally holds, comparable across realms (Jest runs tests in a VM context; v8.deserialize builds Maps of the outer one). */
function contents(tally: Tally) {
  return { ids: tally.ids, perStream: Object.fromEntries(tally.perStream) };
}

function editByte(offsetFromEnd: number): void {
  const bytes = readFileSync(file);
  bytes[bytes.length - offsetFromEnd] ^= 0x01;
  writeFileSync(file, bytes);
}

describe('read-model snapshots', () => {
  it('given a snapshot of this log, when a runner starts, then it restores the states and applies only the tail', async () => {
    const { store, saved } = await storeWithSnapshot(30);
    await appendTallied(store, 5);

    const second = await started(store);

    expect(second.load).toMatchObject({ kind: 'loaded', events: 30 });
    expect(second.runner.appliedCount).toBe(5);
    expect(second.tally.ids.slice(0, 30)).toEqual(saved.ids);
    expect(contents(second.tally)).toEqual(await rebuilt(store));
    expect(second.runner.position).toBe(await store.headPosition());
    expect(warnings).toEqual([]);
  });

  it('given no snapshot directory, when a runner starts, then it rebuilds from the log, and the first write creates the directory', async () => {
    const store = SqliteEventStore.inMemory();
    await appendTallied(store, 4);

    const first = await started(store);

    expect(first.load).toEqual({ kind: 'none' });
    expect(first.tally.ids).toHaveLength(4);
    expect(existsSync(join(dir, 'snapshots'))).toBe(false);
    await first.snapshots.write();
    expect(readFileSync(file).subarray(0, SNAPSHOT_MAGIC.length)).toEqual(SNAPSHOT_MAGIC);
  });

  it('given an empty log, when a snapshot is asked for, then none is written', async () => {
    const first = await started(SqliteEventStore.inMemory());

    expect(await first.snapshots.write()).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  const damaged: [string, () => void, RegExp][] = [
    ['truncated', () => writeFileSync(file, readFileSync(file).subarray(0, statSync(file).size - 100)), /refused: truncated/],
    ['cut inside its header', () => writeFileSync(file, readFileSync(file).subarray(0, 20)), /refused: truncated/],
    ['one payload byte edited', () => editByte(7), /refused: digest mismatch \(payload\)/],
    ['one header byte edited', () => {
      const bytes = readFileSync(file);
      bytes[SNAPSHOT_MAGIC.length + 12] ^= 0x01;
      writeFileSync(file, bytes);
    }, /refused: digest mismatch \(header\)/],
    ['of another format version', () => {
      const bytes = readFileSync(file);
      bytes.writeUInt32BE(2, SNAPSHOT_MAGIC.length);
      writeFileSync(file, bytes);
    }, /refused: file format 2, this version reads format 1/],
    ['not a snapshot at all', () => writeFileSync(file, 'position=9999\n'.repeat(10)), /refused: not a snapshot file/],
  ];

  it.each(damaged)('given a snapshot %s, when a runner starts, then it is refused with one line and the runner rebuilds from the log', async (_what, damage, line) => {
    const { store } = await storeWithSnapshot(20);
    await appendTallied(store, 3);
    damage();

    const second = await started(store);

    expect(second.load.kind).toBe('refused');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(line);
    expect(warnings[0]).toMatch(/; rebuilding from the log$/);
    expect(second.runner.appliedCount).toBe(23);
    expect(contents(second.tally)).toEqual(await rebuilt(store));
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.refused`)).toBe(true);
  });

  it('given a snapshot of another schema (a participant changed its version), when a runner starts, then it is refused and the runner rebuilds', async () => {
    const { store } = await storeWithSnapshot(10);

    const second = await started(store, new Tally(2));

    expect(second.load).toMatchObject({ kind: 'refused', reason: `schema 'register-read-model@${READ_MODEL_STATE_VERSION},tally@1', this version needs 'register-read-model@${READ_MODEL_STATE_VERSION},tally@2'` });
    expect(second.tally.ids).toHaveLength(10);
    expect(second.runner.appliedCount).toBe(10);
  });

  it('given a snapshot ahead of the log (the log was restored from an older backup), when a runner starts, then it is refused and the runner rebuilds', async () => {
    const store = SqliteEventStore.inMemory();
    await appendTallied(store, 12);
    const older = SqliteEventStore.inMemory();
    for (const event of (await store.readAll()).slice(0, 8)) await older.appendToStream(event.stream, [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }]);
    await (await started(store)).snapshots.write();

    const second = await started(older);

    expect(second.load).toMatchObject({ kind: 'refused', reason: 'ahead of the log (it covers position 12, the log ends at 8)' });
    expect(second.tally.ids).toEqual((await older.readAll()).map((e) => e.id));
  });

  it('given a snapshot of another log of the same length, when a runner starts, then it is refused as from another log', async () => {
    await storeWithSnapshot(15);
    const other = SqliteEventStore.inMemory();
    await appendTallied(other, 15);

    const second = await started(other);

    expect(second.load).toMatchObject({ kind: 'refused' });
    expect(second.load.kind === 'refused' && second.load.reason).toMatch(/^from another log \(municipality-t2 revision 4 at position 15 is not event /);
    expect(second.tally.ids).toEqual((await other.readAll()).map((e) => e.id));
  });

  it('given a participant that cannot import its state, when a runner starts, then every participant is put back empty and the runner rebuilds', async () => {
    const { store } = await storeWithSnapshot(9);

    const second = await started(store, new Tally(1, true));

    expect(second.load).toMatchObject({ kind: 'refused', reason: 'a state could not be restored (this tally refuses every state but an empty one)' });
    expect(second.tally.ids).toEqual((await store.readAll()).map((e) => e.id));
  });

  it('given a store that does not answer, when a runner loads, then the snapshot is not used but kept for the next start', async () => {
    const { store } = await storeWithSnapshot(6);
    const down: EventStore = Object.assign(Object.create(store) as EventStore, {
      headPosition: () => Promise.reject(new EventStoreUnavailableError('connection refused')),
    });
    const { runner } = tallyRunner(down);
    runners.push(runner);

    const load = await new ReadModelSnapshots(runner, down, file).load();

    expect(load).toMatchObject({ kind: 'unchecked' });
    expect(warnings[0]).toMatch(/not used: the log could not be read to check it .*connection refused.*; rebuilding from the log$/);
    expect(existsSync(file)).toBe(true);
    expect(runner.position).toBe(0);
  });

  it('given a temporary file left by a killed writer, when a runner starts, then it is ignored and removed and the snapshot loads', async () => {
    const { store } = await storeWithSnapshot(7);
    const leftover = `${file}.${process.pid}.k1ll3d.tmp`;
    writeFileSync(leftover, readFileSync(file).subarray(0, 50));

    const second = await started(store);

    expect(second.load).toMatchObject({ kind: 'loaded', events: 7 });
    expect(existsSync(leftover)).toBe(false);
    expect(readdirSync(join(dir, 'snapshots'))).toEqual(['read-models.snap']);
  });

  it('given a writer killed with SIGKILL in the middle of a write, when a runner starts, then the previous snapshot loads and the leftover is removed', async () => {
    const { store, saved } = await storeWithSnapshot(11);
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'testing', 'interrupted-snapshot-writer.ts'), file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const midWrite = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString()));
      child.on('exit', (code) => reject(new Error(`the writer exited with ${code} before writing`)));
    });
    const temp = readdirSync(join(dir, 'snapshots')).filter((name) => name.endsWith('.tmp'));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));

    expect(midWrite).toMatch(/^writing \d+ bytes/);
    expect(temp).toHaveLength(1);
    expect(statSync(join(dir, 'snapshots', temp[0])).size).toBeGreaterThan(0);
    const second = await started(store);
    expect(second.load).toMatchObject({ kind: 'loaded', events: 11 });
    expect(second.tally.ids).toEqual(saved.ids);
    expect(readdirSync(join(dir, 'snapshots'))).toEqual(['read-models.snap']);
  }, 30_000);

  it('given a write in progress, when another is asked for, then both calls share the one write', async () => {
    const store = SqliteEventStore.inMemory();
    await appendTallied(store, 3);
    const first = await started(store);

    const [a, b] = await Promise.all([first.snapshots.write(), first.snapshots.write()]);

    expect(a).toBe(b);
    expect(first.snapshots.appliedSinceSnapshot).toBe(0);
    await store.appendToStream('municipality-t0', [makeEvent('Tallied')]);
    await first.runner.settle(5000);
    expect(first.snapshots.appliedSinceSnapshot).toBe(1);
  });
});
