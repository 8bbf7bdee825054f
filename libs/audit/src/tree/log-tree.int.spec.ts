import { Logger } from '@nestjs/common';
import { EventStore } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { Clock } from '@samverkan/shared';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainSealer } from '../chain/event-chain';
import { MerkleTree, verifyConsistency, verifyInclusion } from '../merkle';
import { AuditKeys } from '../service/audit-keys';
import { Checkpointer } from '../service/checkpointer';
import { eventLeafHash } from './leaf';
import { LogTree, TreeRangeError } from './log-tree';
import { RECORD_BYTES, TREE_FILE } from './tree-file';
import { TREE_SEAL_FILE, TreeSealFile } from './tree-seal';

class FixedClock extends Clock {
  now(): Date {
    return new Date('2021-05-10T13:45:00.000Z');
  }
}

const MAGIC_BYTES = 8;

/**
 * The tree over a file-based embedded store: it equals a tree made from the log by hand, it
 * follows appends, and across restarts it keeps only what a signed checkpoint vouches for — a
 * tree file that is cut short, edited, of another format, of another log or ahead of the log
 * is refused with a log line and the tree is made again from the log.
 */
describe('LogTree', () => {
  let dir: string;
  let store: SqliteEventStore;
  let sealer: ChainSealer;
  let keys: AuditKeys;
  const opened: LogTree[] = [];
  let lines: string[];

  const options = () => ({ dataDir: dir, checkpointIntervalMs: 0 });
  const newTree = (on: EventStore = store, k: AuditKeys = keys) => {
    const tree = new LogTree(on, k, options());
    opened.push(tree);
    return tree;
  };
  const checkpoint = (tree: LogTree) => new Checkpointer(store, new FixedClock(), keys, options(), tree).checkpoint('the-auditor');

  async function append(stream: string, n: number, on: EventStore = store, chain: ChainSealer = sealer): Promise<void> {
    const existing = await on.readStream(stream);
    const events = Array.from({ length: n }, (_, i) => ({
      id: randomUUID(),
      type: 'ServiceTransferred',
      data: { n: existing.length + i, name: 'Linköping' },
      metadata: { commandId: randomUUID(), correlationId: 'c', causationId: 'c', actor: 'a', source: 's', recordedAt: '2021-01-01T00:00:00.000Z', schemaVersion: 1 },
    }));
    await on.appendToStream(stream, chain.seal(stream, events), { expectedRevision: existing.length === 0 ? 'no-stream' : existing.length - 1 });
  }

  /** The tree an auditor makes from the log: one leaf per event, in commit order. */
  async function byHand(on: EventStore = store): Promise<MerkleTree> {
    const tree = new MerkleTree();
    for (const event of await on.readAll()) tree.append(eventLeafHash(event));
    return tree;
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-log-tree-'));
    store = SqliteEventStore.open({ dataDir: dir });
    sealer = new ChainSealer();
    keys = new AuditKeys(store, { dataDir: dir, trustedKeyFiles: [] });
    lines = [];
    for (const level of ['log', 'warn', 'error'] as const) jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void lines.push(String(args[0])));
    await append('municipality-0580', 5);
    await append('federation-x', 4);
  });
  afterEach(async () => {
    for (const tree of opened.splice(0)) tree.onApplicationShutdown();
    jest.restoreAllMocks();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the tree of the log in commit order, with proofs that verify against its root', async () => {
    const tree = newTree();
    await tree.upToHead();
    const expected = await byHand();
    expect(tree.size).toBe(9);
    expect(tree.root(9).equals(expected.root())).toBe(true);
    const events = await store.readAll();
    events.forEach((event, i) => {
      expect(tree.leafIndexOf(event.position)).toBe(i);
      expect(verifyInclusion(eventLeafHash(event), i, 9, tree.inclusionProof(i, 9), expected.root())).toBe(true);
    });
    expect(tree.leafIndexOf(events[8].position + 1)).toBeUndefined();
    expect(verifyConsistency(4, 9, expected.root(4), expected.root(9), tree.consistencyProof(4, 9))).toBe(true);
  });

  it('refuses sizes and indexes outside the log with the field to blame', async () => {
    const tree = newTree();
    await tree.upToHead();
    const blame = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof TreeRangeError ? error.field : `not a TreeRangeError: ${String(error)}`;
      }
      return 'no error';
    };
    expect(blame(() => tree.inclusionProof(0, 10))).toBe('treeSize');
    expect(blame(() => tree.inclusionProof(9, 9))).toBe('leafIndex');
    expect(blame(() => tree.inclusionProof(0, 0))).toBe('treeSize');
    expect(blame(() => tree.consistencyProof(0, 5))).toBe('from');
    expect(blame(() => tree.consistencyProof(6, 5))).toBe('from');
    expect(blame(() => tree.consistencyProof(5, 10))).toBe('to');
  });

  it('follows appends once started, and answers up to the head on demand', async () => {
    const tree = newTree();
    tree.onApplicationBootstrap();
    await append('municipality-0580', 3);
    await tree.upToHead();
    expect(tree.size).toBe(12);
    await append('agreement-a', 2);
    for (let i = 0; i < 100 && tree.size < 14; i++) await new Promise((done) => setTimeout(done, 10));
    expect(tree.size).toBe(14);
    expect(tree.root(14).equals((await byHand()).root())).toBe(true);
  });

  it('records the tree head in each checkpoint and serves the signed notes by size', async () => {
    const tree = newTree();
    const outcome = await checkpoint(tree);
    expect(outcome.checkpoint).toMatchObject({ events: 9, treeSize: 9, rootHash: (await byHand()).root(9).toString('base64') }); // the checkpoint event itself is leaf 9
    await tree.upToHead();
    expect(tree.latest()?.size).toBe(9);
    expect(tree.headAt(9)?.note).toMatch(/^samverkan\.invalid\/register\n9\n[A-Za-z0-9+/]{43}=\n\n— samverkan\.invalid\/register /);
    expect(tree.headAt(10)).toBeUndefined();
  });

  describe('after a restart', () => {
    /** Two checkpoints (at 9 and 15 events) and 3 events after them, the tree file flushed. */
    async function history(): Promise<{ leaves: number }> {
      const tree = newTree();
      await checkpoint(tree); // leaf 9 is this checkpoint event
      await append('municipality-0580', 5);
      await checkpoint(tree); // covers 15 events; it is leaf 15
      await append('federation-x', 3);
      await tree.upToHead();
      tree.onApplicationShutdown();
      return { leaves: tree.size };
    }
    const file = () => join(dir, TREE_FILE);
    const seal = () => join(dir, TREE_SEAL_FILE);

    it('after a clean stop keeps every leaf, as its seal vouches, and hashes nothing again', async () => {
      const { leaves } = await history();
      const tree = newTree();
      await tree.ready();
      expect(tree.size).toBe(leaves);
      expect(lines.some((l) => l.includes('hashed again'))).toBe(false);
      expect(lines.some((l) => l.includes(`Audit tree: ${leaves} leaves loaded`))).toBe(true);
      expect(tree.root(leaves).equals((await byHand()).root())).toBe(true);
      // The checkpoints in the kept prefix are served as before.
      expect(tree.latest()?.size).toBe(15);
      expect(tree.headAt(9)).toBeDefined();
    });

    it('without its seal, loads the leaves a checkpoint vouches for and hashes only the rest again', async () => {
      const { leaves } = await history();
      expect(leaves).toBe(19);
      expect(statSync(file()).size).toBe(MAGIC_BYTES + 19 * RECORD_BYTES);
      rmSync(seal());
      const tree = newTree();
      await tree.ready();
      expect(tree.size).toBe(15);
      expect(lines.some((l) => l.includes('holds 19 leaves') && l.includes('vouches for the first 15'))).toBe(true);
      await tree.upToHead();
      expect(tree.root(19).equals((await byHand()).root())).toBe(true);
      expect(tree.latest()?.size).toBe(15);
      expect(tree.headAt(9)).toBeDefined();
    });

    it('drops a record cut short by a crash and keeps the rest', async () => {
      await history();
      truncateSync(file(), MAGIC_BYTES + 16 * RECORD_BYTES + 17);
      const tree = newTree();
      await tree.ready();
      expect(tree.size).toBe(15);
      expect(statSync(file()).size).toBe(MAGIC_BYTES + 15 * RECORD_BYTES);
      await tree.upToHead();
      expect(tree.root(19).equals((await byHand()).root())).toBe(true);
    });

    it('keeps only what an earlier checkpoint vouches for when a leaf after it was edited', async () => {
      await history();
      const bytes = readFileSync(file());
      bytes[MAGIC_BYTES + 12 * RECORD_BYTES + 8 + 5] ^= 0x40; // leaf 12's hash: after the first checkpoint, before the second
      writeFileSync(file(), bytes);
      const tree = newTree();
      await tree.ready();
      expect(tree.size).toBe(9);
      expect(lines.some((l) => l.includes('vouches for the first 9'))).toBe(true);
      await tree.upToHead();
      expect(tree.root(19).equals((await byHand()).root())).toBe(true);
    });

    it('rebuilds from the log when a position in the file was edited', async () => {
      await history();
      const bytes = readFileSync(file());
      bytes.writeDoubleLE(bytes.readDoubleLE(MAGIC_BYTES + 14 * RECORD_BYTES) + 0.5, MAGIC_BYTES + 14 * RECORD_BYTES);
      writeFileSync(file(), bytes);
      const tree = newTree();
      await tree.ready();
      expect(tree.size).toBe(0);
      expect(lines.some((l) => l.includes('leaf 14 has position'))).toBe(true);
      await tree.upToHead();
      expect(tree.root(19).equals((await byHand()).root())).toBe(true);
    });

    it('rebuilds from the log when the file cannot be read at all (a cache, never a reason to fail)', async () => {
      await history();
      rmSync(file());
      mkdirSync(file()); // reading it fails (EISDIR)
      const tree = newTree();
      await tree.ready();
      expect(tree.size).toBe(0);
      expect(lines.some((l) => l.includes('could not be used') && l.includes('rebuilt from the log'))).toBe(true);
      await tree.upToHead();
      expect(tree.root(19).equals((await byHand()).root())).toBe(true);
    });

    it('rebuilds from the log when the file is of another format or version', async () => {
      await history();
      const bytes = readFileSync(file());
      bytes.write('SVKTREE9', 0, 'latin1');
      writeFileSync(file(), bytes);
      const tree = newTree();
      await tree.ready();
      expect(tree.size).toBe(0);
      expect(lines.some((l) => l.includes('is not a Samverkan tree file') && l.includes('rebuilt from the log'))).toBe(true);
      await tree.upToHead();
      expect(tree.root(19).equals((await byHand()).root())).toBe(true);
    });

    it('trusts nothing in a tree file of another log', async () => {
      await history();
      const otherDir = mkdtempSync(join(tmpdir(), 'samverkan-log-tree-other-'));
      const other = SqliteEventStore.open({ dataDir: otherDir });
      try {
        const otherKeys = new AuditKeys(other, { dataDir: otherDir, trustedKeyFiles: [] });
        const chain = new ChainSealer();
        await append('municipality-0580', 5, other, chain);
        await append('federation-x', 4, other, chain);
        await new Checkpointer(other, new FixedClock(), otherKeys, { dataDir: otherDir, checkpointIntervalMs: 0 }, newTree(other, otherKeys)).checkpoint('x');
        copyFileSync(file(), join(otherDir, TREE_FILE));
        const tree = newTree(other, otherKeys);
        await tree.ready();
        expect(tree.size).toBe(0);
        expect(lines.some((l) => l.includes('nor a signed checkpoint vouches for them'))).toBe(true);
        await tree.upToHead();
        expect(tree.root(tree.size).equals((await byHand(other)).root())).toBe(true);
      } finally {
        await other.close();
        rmSync(otherDir, { recursive: true, force: true });
      }
    });

    it('ignores a seal whose signature does not verify, and one signed by a key it does not trust', async () => {
      await history();
      const good = readFileSync(seal(), 'utf8');
      const leaves = readFileSync(file()); // the load below cuts the file back to what it keeps
      const forged = JSON.parse(good) as { signature: string };
      forged.signature = Buffer.from(Buffer.from(forged.signature, 'base64').map((b, i) => (i === 3 ? b ^ 1 : b))).toString('base64');
      writeFileSync(seal(), JSON.stringify(forged));
      const tree = newTree();
      await tree.ready();
      expect(tree.size).toBe(15);
      expect(lines.some((l) => l.includes('signature that does not verify') && l.includes('checkpoint') && l.includes('vouches for the first 15'))).toBe(true);

      // The same file sealed by another key (one this service does not trust).
      const otherDir = mkdtempSync(join(tmpdir(), 'samverkan-log-tree-key-'));
      try {
        const stranger = new AuditKeys(SqliteEventStore.inMemory(), { dataDir: otherDir, trustedKeyFiles: [] });
        const sealed = JSON.parse(good) as { size: number; root: string; position: number };
        new TreeSealFile(dir).write({ size: sealed.size, root: sealed.root, position: sealed.position }, stranger.signing);
        writeFileSync(file(), leaves);
        lines = [];
        const again = newTree();
        await again.ready();
        expect(again.size).toBe(15);
        expect(lines.some((l) => l.includes('which is not trusted'))).toBe(true);
      } finally {
        rmSync(otherDir, { recursive: true, force: true });
      }
    });

    it("ignores a seal whose last leaf is not the log's event there (the file and seal of another log, signed with the same key)", async () => {
      await history();
      const otherDir = mkdtempSync(join(tmpdir(), 'samverkan-log-tree-same-key-'));
      const other = SqliteEventStore.open({ dataDir: otherDir });
      try {
        copyFileSync(join(dir, 'audit-signing-key.pem'), join(otherDir, 'audit-signing-key.pem'));
        const otherKeys = new AuditKeys(other, { dataDir: otherDir, trustedKeyFiles: [] });
        const chain = new ChainSealer();
        await append('municipality-0580', 12, other, chain);
        await append('federation-x', 8, other, chain);
        copyFileSync(file(), join(otherDir, TREE_FILE));
        copyFileSync(seal(), join(otherDir, TREE_SEAL_FILE));
        const tree = newTree(other, otherKeys);
        await tree.ready();
        expect(tree.size).toBe(0);
        expect(lines.some((l) => l.includes("its last leaf is not the log's event at position 19"))).toBe(true);
        await tree.upToHead();
        expect(tree.root(tree.size).equals((await byHand(other)).root())).toBe(true);
      } finally {
        await other.close();
        rmSync(otherDir, { recursive: true, force: true });
      }
    });

    it('keeps only the part of a file ahead of the log that a checkpoint still in the log vouches for', async () => {
      // The log as it was at the first checkpoint (a restore from an older backup), with the newer tree file.
      await history();
      const restoredDir = mkdtempSync(join(tmpdir(), 'samverkan-log-tree-restored-'));
      const restored = SqliteEventStore.open({ dataDir: restoredDir });
      try {
        const events = await store.readAll();
        for (const event of events.slice(0, 10)) {
          await restored.appendToStream(event.stream, [{ id: event.id, type: event.type, data: event.data, metadata: event.metadata }], { expectedRevision: event.revision === 0 ? 'no-stream' : event.revision - 1 });
        }
        copyFileSync(join(dir, 'audit-signing-key.pem'), join(restoredDir, 'audit-signing-key.pem'));
        copyFileSync(file(), join(restoredDir, TREE_FILE));
        const restoredKeys = new AuditKeys(restored, { dataDir: restoredDir, trustedKeyFiles: [] });
        const tree = new LogTree(restored, restoredKeys, { dataDir: restoredDir });
        opened.push(tree);
        await tree.ready();
        expect(tree.size).toBe(9);
        await tree.upToHead();
        expect(tree.size).toBe(10);
        expect(tree.root(10).equals((await byHand(restored)).root())).toBe(true);
      } finally {
        await restored.close();
        rmSync(restoredDir, { recursive: true, force: true });
      }
    });
  });
});
