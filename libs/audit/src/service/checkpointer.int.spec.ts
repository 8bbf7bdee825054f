import { Clock } from '@samverkan/shared';
import { EventStore } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainSealer } from '../chain/event-chain';
import { verifyStore } from '../log/store-log';
import { CHECKPOINT_STREAM } from '../verification/checkpoint';
import { AuditKeys, signingKeyDirectory } from './audit-keys';
import { DEFAULT_CHECKPOINT_INTERVAL_MS, resolveAuditOptions } from './audit-options';
import { LogTree } from '../tree/log-tree';
import { Checkpointer, LogBrokenError } from './checkpointer';

class FixedClock extends Clock {
  now(): Date {
    return new Date('2021-05-10T13:45:00.000Z');
  }
}

/** Appends chained events as the command path does. */
async function append(store: EventStore, sealer: ChainSealer, stream: string, n = 1): Promise<void> {
  const existing = await store.readStream(stream);
  const events = Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    type: 'ServiceTransferred',
    data: { n: existing.length + i },
    metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', source: 's', recordedAt: '2021-01-01T00:00:00.000Z', schemaVersion: 1 },
  }));
  await store.appendToStream(stream, sealer.seal(stream, events), { expectedRevision: existing.length === 0 ? 'no-stream' : existing.length - 1 });
}

describe('Checkpointer', () => {
  let store: SqliteEventStore;
  let sealer: ChainSealer;
  let keys: AuditKeys;
  const checkpointer = (intervalMs = 0) => {
    const options = { dataDir: '/nonexistent', checkpointIntervalMs: intervalMs };
    return new Checkpointer(store, new FixedClock(), keys, options, new LogTree(store, keys, options));
  };

  beforeEach(async () => {
    store = SqliteEventStore.inMemory();
    sealer = new ChainSealer();
    keys = new AuditKeys(store, { dataDir: '/nonexistent', trustedKeyFiles: [] });
    await append(store, sealer, 'municipality-0580', 3);
    await append(store, sealer, 'federation-x', 2);
  });
  afterEach(() => store.close());

  it('appends a signed checkpoint of every stream head, then nothing while the log has not moved', async () => {
    const first = await checkpointer().checkpoint('the-auditor');
    expect(first).toMatchObject({ written: true, checkpoint: { revision: 0, covers: 5, events: 5, streams: 2, signature: 'valid', signedAt: '2021-05-10T13:45:00.000Z' } });
    const [event] = await store.readStream(CHECKPOINT_STREAM);
    expect(event.metadata).toMatchObject({ actor: 'the-auditor', source: 'samverkan:audit', recordedAt: '2021-05-10T13:45:00.000Z' });
    expect((await checkpointer().checkpoint('x')).written).toBe(false);
  });

  it('continues from the last checkpoint: the next one covers everything, and the log verifies against both', async () => {
    const c = checkpointer();
    await c.checkpoint('a');
    await append(store, sealer, 'federation-x');
    await append(store, sealer, 'study-y', 2);
    const second = await checkpointer().checkpoint('b');
    expect(second).toMatchObject({ written: true, checkpoint: { revision: 1, events: 9, streams: 4 } });
    const report = await verifyStore(store, { publicKeys: keys.trusted });
    expect(report).toMatchObject({ ok: true, checkpoints: { found: 2, compared: 2 } });
  });

  it('refuses to sign over an event altered since the last checkpoint', async () => {
    await checkpointer().checkpoint('a');
    // An event appended with a chain that does not match its content.
    const [sealed] = sealer.seal('federation-x', [{ id: randomUUID(), type: 'MemberJoined', data: { m: '0581' }, metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', source: 's', recordedAt: 'x', schemaVersion: 1 } }]);
    await store.appendToStream('federation-x', [{ ...sealed, data: { m: '0582' } }], { expectedRevision: 1 });
    await expect(checkpointer().checkpoint('b')).rejects.toThrow(LogBrokenError);
    expect(await store.readStream(CHECKPOINT_STREAM)).toHaveLength(1);
  });

  it('two checkpointers at once (two instances): both succeed, one after the other', async () => {
    const results = await Promise.all([checkpointer().checkpoint('one'), checkpointer().checkpoint('two')]);
    expect(results.filter((r) => r.written).length).toBeGreaterThanOrEqual(1);
    expect(await store.readStream(CHECKPOINT_STREAM)).toHaveLength(results.filter((r) => r.written).length);
    expect((await verifyStore(store, { publicKeys: keys.trusted })).ok).toBe(true);
  });

  it('writes checkpoints on its timer while the log moves', async () => {
    const timed = checkpointer(30);
    timed.onApplicationBootstrap();
    try {
      await new Promise((r) => setTimeout(r, 150));
      expect(await store.readStream(CHECKPOINT_STREAM)).toHaveLength(1);
      await append(store, sealer, 'municipality-0580');
      await new Promise((r) => setTimeout(r, 150));
      expect(await store.readStream(CHECKPOINT_STREAM)).toHaveLength(2);
    } finally {
      timed.onApplicationShutdown();
    }
  });
});

describe('where the signing key lives', () => {
  it('next to the embedded store file, in memory for an in-memory store, in the data directory for EventStoreDB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samverkan-keydir-'));
    const file = SqliteEventStore.open({ dataDir: dir });
    const memory = SqliteEventStore.inMemory();
    try {
      expect(signingKeyDirectory(file, '/elsewhere')).toBe(dir);
      expect(signingKeyDirectory(memory, '/elsewhere')).toBeUndefined();
      expect(signingKeyDirectory({ kind: 'eventstoredb' } as EventStore, '/data')).toBe('/data');
      expect(new AuditKeys(file, { dataDir: '/elsewhere' }).signing.file).toBe(join(dir, 'audit-signing-key.pem'));
    } finally {
      await file.close();
      await memory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the checkpoint interval comes from the options, else SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS, else ten minutes', () => {
    expect(resolveAuditOptions({ dataDir: 'd' }, {}).checkpointIntervalMs).toBe(DEFAULT_CHECKPOINT_INTERVAL_MS);
    expect(resolveAuditOptions({ dataDir: 'd' }, { SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: '60' }).checkpointIntervalMs).toBe(60_000);
    expect(resolveAuditOptions({ dataDir: 'd' }, { SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: '0' }).checkpointIntervalMs).toBe(0);
    expect(resolveAuditOptions({ dataDir: 'd', checkpointIntervalMs: 5 }, { SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: '60' }).checkpointIntervalMs).toBe(5);
    expect(() => resolveAuditOptions({ dataDir: 'd' }, { SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: 'often' })).toThrow(/SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS/);
    expect(resolveAuditOptions({ dataDir: 'd' }, { SAMVERKAN_AUDIT_TRUSTED_KEYS: 'a.pem, b.pem' }).trustedKeyFiles).toEqual(['a.pem', 'b.pem']);
  });
});
