import type { RecordedEvent } from '@samverkan/event-store';
import { hashEvent } from '../chain/event-chain';
import { MerkleTree } from '../merkle';
import { formatCheckpoint, signNote } from '../note';
import { PublicKeyRing, SigningKey } from '../signing/signing-key';
import { MemoryLog } from '../testing/memory-log';
import { eventLeafHash } from '../tree/leaf';
import { CHECKPOINT_STREAM, CheckpointData, signCheckpoint } from './checkpoint';
import { verifyLog } from './log-verifier';

const key = SigningKey.ephemeral();
const keys = new PublicKeyRing([key.publicKey]);

/** Two streams, a checkpoint with its tree head, two more events, a second checkpoint. */
function story(): MemoryLog {
  const log = new MemoryLog(3);
  log.append('municipality-0580', [{ type: 'MunicipalityRegistered', data: { code: '0580', name: 'Linköping' } }]);
  log.append('federation-a', [{ type: 'FederationFormed', data: { id: 'a', members: ['0580', '0581'] } }]);
  log.append('municipality-0580', [{ type: 'ServiceTransferred', data: { serviceArea: 'payroll', basis: { kind: 'federation', id: 'a' } } }]);
  log.checkpoint(key);
  log.append('federation-a', [{ type: 'MemberJoined', data: { id: 'a', municipality: '0582' } }]);
  log.append('municipality-0581', [{ type: 'MunicipalityRegistered', data: { code: '0581', name: 'Norrköping' } }]);
  log.checkpoint(key);
  return log;
}

/** Rewrites an event and re-seals its hash, as someone with write access to the store could: its chain still holds. */
function rewrite(events: RecordedEvent[], index: number, data: Record<string, unknown>): void {
  const event = events[index];
  const chain = event.metadata.chain as { v: 1; prev: string | null; hash: string };
  const edited = { ...event, data };
  const hash = hashEvent(edited.stream, edited.revision, edited, chain.prev);
  events[index] = { ...edited, metadata: { ...edited.metadata, chain: { ...chain, hash } } };
}

/** Replaces a checkpoint's data, signed again with the service's own key and re-sealed on its chain: an insider. */
function resign(events: RecordedEvent[], revision: number, change: (data: CheckpointData) => CheckpointData): void {
  const index = events.findIndex((e) => e.stream === CHECKPOINT_STREAM && e.revision === revision);
  const { signature: _signature, format: _format, key: _key, ...body } = change(events[index].data as unknown as CheckpointData);
  rewrite(events, index, signCheckpoint(body, key) as unknown as Record<string, unknown>);
}

const kinds = (events: RecordedEvent[]) => new Set(verifyLog(events, { publicKeys: keys }).problems.map((p) => p.kind));

describe('verify rebuilds the Merkle tree and compares it with every checkpoint', () => {
  it('accepts an intact log and reports its tree and the last checkpoint’s tree head', () => {
    const events = story().copy();
    const report = verifyLog(events, { publicKeys: keys });
    expect(report.ok).toBe(true);
    const tree = new MerkleTree();
    for (const event of events) tree.append(eventLeafHash(event));
    expect(report.tree).toEqual({ size: 7, root: tree.root().toString('base64') });
    expect(report.checkpoints).toMatchObject({ found: 2, compared: 2, last: { revision: 1, treeSize: 6, rootHash: tree.root(6).toString('base64') } });
  });

  it('a changed byte in an event, re-sealed so that its chain holds, is a tree mismatch at the next checkpoint', () => {
    const events = story().copy();
    rewrite(events, 0, { code: '0580', name: 'Linkoping' });
    const report = verifyLog(events, { publicKeys: keys });
    expect(report.ok).toBe(false);
    const mismatch = report.problems.find((p) => p.kind === 'tree-mismatch');
    expect(mismatch).toMatchObject({ checkpoint: { revision: 0 }, stream: CHECKPOINT_STREAM });
    expect(mismatch?.detail).toMatch(/signs the Merkle root .* of 3 events; the first 3 events of the log give .*: an event up to position 9 was changed, removed, added or moved/);
  });

  it('a removed event is a tree mismatch', () => {
    const events = story().copy();
    events.splice(4, 1);
    expect(kinds(events).has('tree-mismatch')).toBe(true);
  });

  it('two events swapped (each in the other’s place) are a tree mismatch', () => {
    const events = story().copy();
    const [a, b] = [events[0], events[1]];
    [events[0], events[1]] = [{ ...b, position: a.position }, { ...a, position: b.position }];
    expect(kinds(events).has('tree-mismatch')).toBe(true);
  });

  it('a checkpoint whose tree head was forged is refused: the signature no longer matches', () => {
    const events = story().copy();
    const index = events.findIndex((e) => e.stream === CHECKPOINT_STREAM && e.revision === 1);
    const data = events[index].data as unknown as CheckpointData;
    events[index] = { ...events[index], data: { ...data, tree: { size: 6, root: Buffer.alloc(32, 7).toString('base64') } } };
    const report = verifyLog(events, { publicKeys: keys });
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toContain('checkpoint-signature');
  });

  it('a checkpoint signed again by an insider over a false tree head is still a tree mismatch', () => {
    const events = story().copy();
    resign(events, 1, (data) => ({ ...data, tree: { size: 6, root: Buffer.alloc(32, 7).toString('base64') }, note: signNote(formatCheckpoint({ origin: 'unit.invalid/register', treeSize: 6, rootHash: Buffer.alloc(32, 7) }), [key.noteSigner('unit.invalid/register')]) }));
    expect(kinds(events)).toEqual(new Set(['tree-mismatch']));
  });

  it('a checkpoint whose note states another tree head than its data is a checkpoint-note problem', () => {
    const events = story().copy();
    resign(events, 1, (data) => ({ ...data, note: signNote(formatCheckpoint({ origin: 'unit.invalid/register', treeSize: 5, rootHash: Buffer.from(data.tree!.root, 'base64') }), [key.noteSigner('unit.invalid/register')]) }));
    const report = verifyLog(events, { publicKeys: keys });
    expect(report.problems.map((p) => [p.kind, p.detail])).toEqual([['checkpoint-note', expect.stringMatching(/states tree size 5 .* the checkpoint 6/)]]);
  });

  it('a checkpoint whose note is signed by another key is a checkpoint-note problem', () => {
    const events = story().copy();
    const other = SigningKey.ephemeral();
    resign(events, 1, (data) => ({ ...data, note: signNote(formatCheckpoint({ origin: 'unit.invalid/register', treeSize: 6, rootHash: Buffer.from(data.tree!.root, 'base64') }), [other.noteSigner('unit.invalid/register')]) }));
    const report = verifyLog(events, { publicKeys: keys });
    expect(report.problems.map((p) => p.kind)).toEqual(['checkpoint-note']);
    expect(report.problems[0].detail).toMatch(/signed note does not verify/);
  });

  it('checkpoints from before the tree (no tree head) are compared as before', () => {
    const log = new MemoryLog();
    log.append('s-a', [{ type: 'T', data: { n: 1 } }]);
    log.checkpoint(key, { tree: false });
    const report = verifyLog(log.copy(), { publicKeys: keys });
    expect(report.ok).toBe(true);
    expect(report.checkpoints.last).not.toHaveProperty('treeSize');
  });
});
