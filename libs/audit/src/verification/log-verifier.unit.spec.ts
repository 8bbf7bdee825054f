import type { RecordedEvent } from '@samverkan/event-store';
import { chainOf, hashEvent } from '../chain/event-chain';
import { PublicKeyRing, SigningKey } from '../signing/signing-key';
import { MemoryLog } from '../testing/memory-log';
import { CHECKPOINT_STREAM } from './checkpoint';
import { LogVerifier, verifyLog } from './log-verifier';

const key = SigningKey.ephemeral();
const keys = new PublicKeyRing([key.publicKey]);

/** A small register: two federations, a municipality, a checkpoint, then more events after it. */
function story(step = 1): MemoryLog {
  const log = new MemoryLog(step);
  log.append('municipality-0580', [{ type: 'MunicipalityRegistered', data: { code: '0580', name: 'Linköping' } }]);
  log.append('municipality-0581', [{ type: 'MunicipalityRegistered', data: { code: '0581', name: 'Norrköping' } }]);
  log.append('federation-a', [{ type: 'FederationFormed', data: { id: 'a', members: ['0580', '0581'] } }]);
  log.append('municipality-0580', [{ type: 'ServiceTransferred', data: { serviceArea: 'payroll', basis: { kind: 'federation', id: 'a' } } }]);
  log.append('federation-b', [
    { type: 'FederationFormed', data: { id: 'b', members: ['0580', '0581'] } },
    { type: 'MemberJoined', data: { id: 'b', municipality: '0582' } },
  ]);
  log.append('municipality-0581', [{ type: 'ServiceTransferred', data: { serviceArea: 'payroll', basis: { kind: 'federation', id: 'a' } } }]);
  log.checkpoint(key);
  log.append('federation-a', [{ type: 'MemberJoined', data: { id: 'a', municipality: '0582' } }]);
  log.append('municipality-0580', [{ type: 'ServiceTransferred', data: { serviceArea: 'procurement', basis: { kind: 'in-house' } } }]);
  log.append('federation-a', [{ type: 'FederationDissolved', data: { id: 'a', effectiveFrom: '2020-01-01' } }]);
  return log;
}

const find = (events: RecordedEvent[], stream: string, revision: number) => events.findIndex((e) => e.stream === stream && e.revision === revision);

/** Swaps two events of the log: each takes the other's place, and its position. */
function swapPlaces(events: RecordedEvent[], a: number, b: number): void {
  const [pa, pb] = [events[a].position, events[b].position];
  [events[a], events[b]] = [{ ...events[b], position: pa }, { ...events[a], position: pb }];
}

describe('verifyLog', () => {
  it('accepts an intact log, compares it with its signed checkpoints and says what is covered', () => {
    const log = story();
    log.checkpoint(key);
    log.append('federation-b', [{ type: 'ReviewRecorded', data: { id: 'b' } }]);
    const report = verifyLog(log.events, { publicKeys: keys });
    expect(report).toMatchObject({ ok: true, checked: log.events.length, problemCount: 0, unchained: 0, afterLastCheckpoint: 2 });
    // After the last checkpoint's position: the checkpoint event itself and the review.
    expect(report.checkpoints).toMatchObject({ found: 2, compared: 2, signatures: 'checked', last: { revision: 1, signature: 'valid', keyId: key.keyId } });
    expect(report.firstBroken).toBeUndefined();
    expect(report.head).toBe(log.events[log.events.length - 1].position);
  });

  it('accepts non-contiguous positions (EventStoreDB commit positions)', () => {
    const log = story(137);
    log.checkpoint(key);
    expect(verifyLog(log.events, { publicKeys: keys })).toMatchObject({ ok: true, checkpoints: { compared: 2 } });
  });

  it('without trusted keys still compares the checkpoints, and says the signatures were not checked', () => {
    const report = verifyLog(story().events);
    expect(report).toMatchObject({ ok: true, checkpoints: { compared: 1, signatures: 'not-checked' } });
  });

  describe('finds each kind of alteration and names the first broken place', () => {
    it('an edited event (data)', () => {
      const events = story().copy();
      const i = find(events, 'municipality-0580', 1);
      (events[i].data as { serviceArea: string }).serviceArea = 'procurement';
      const report = verifyLog(events, { publicKeys: keys });
      expect(report.ok).toBe(false);
      expect(report.firstBroken).toMatchObject({ kind: 'edited', stream: 'municipality-0580', revision: 1, position: events[i].position, eventId: events[i].id });
    });

    it('an edited event (metadata: when it was recorded)', () => {
      const events = story().copy();
      const i = find(events, 'federation-b', 1);
      events[i].metadata.recordedAt = '2019-01-01T00:00:00.000Z';
      expect(verifyLog(events).firstBroken).toMatchObject({ kind: 'edited', stream: 'federation-b', revision: 1 });
    });

    it('an edited event whose hash was recomputed: the next event no longer links to it', () => {
      const events = story().copy();
      const i = find(events, 'federation-b', 0);
      events[i].data = { id: 'b', members: ['0580', '0583'] };
      const chain = chainOf(events[i].metadata)!;
      events[i].metadata.chain = { ...chain, hash: hashEvent(events[i].stream, 0, events[i], chain.prev) };
      expect(verifyLog(events).firstBroken).toMatchObject({ kind: 'chain-broken', stream: 'federation-b', revision: 1 });
    });

    it('a removed event in the middle of a stream', () => {
      const events = story().copy();
      events.splice(find(events, 'federation-a', 1), 1);
      const report = verifyLog(events, { publicKeys: keys });
      expect(report.firstBroken).toMatchObject({ kind: 'revision-gap', stream: 'federation-a', revision: 2 });
    });

    it('a removed event in the middle of a stream, before a checkpoint: the checkpoint sees it first', () => {
      const events = story().copy();
      events.splice(find(events, 'municipality-0580', 1), 1);
      const report = verifyLog(events, { publicKeys: keys });
      expect(report.firstBroken).toMatchObject({ kind: 'head-mismatch', stream: 'municipality-0580', revision: 0, checkpoint: { revision: 0 } });
      expect(report.problems.map((p) => p.kind)).toContain('revision-gap');
    });

    it('a removed last event of a stream, before a checkpoint', () => {
      const events = story().copy();
      events.splice(find(events, 'municipality-0581', 1), 1);
      const report = verifyLog(events, { publicKeys: keys });
      expect(report.firstBroken).toMatchObject({ kind: 'head-mismatch', stream: 'municipality-0581', revision: 0, checkpoint: { revision: 0 } });
      expect(report.firstBroken!.detail).toMatch(/events were removed/);
    });

    it('two events of one stream swapped in the log', () => {
      const events = story().copy();
      const a = find(events, 'federation-a', 1);
      const pa = events[a].position;
      swapPlaces(events, a, find(events, 'federation-a', 2));
      expect(verifyLog(events).firstBroken).toMatchObject({ kind: 'revision-gap', stream: 'federation-a', revision: 2, position: pa });
    });

    it("two events' contents swapped within a stream (revisions and positions kept)", () => {
      const events = story().copy();
      const a = find(events, 'federation-b', 0);
      const b = find(events, 'federation-b', 1);
      const swap = (x: RecordedEvent, y: RecordedEvent): RecordedEvent => ({ ...x, id: y.id, type: y.type, data: y.data, metadata: y.metadata });
      [events[a], events[b]] = [swap(events[a], events[b]), swap(events[b], events[a])];
      expect(verifyLog(events).firstBroken).toMatchObject({ kind: 'chain-broken', stream: 'federation-b', revision: 0 });
    });

    it('two events of different streams swapped before a checkpoint: the order across streams is covered by it', () => {
      const events = story().copy();
      swapPlaces(events, find(events, 'municipality-0581', 0), find(events, 'federation-a', 0));
      const report = verifyLog(events, { publicKeys: keys });
      expect(report.ok).toBe(false);
      // Neither stream's own chain is broken; the checkpoint sees the heads moved, and its Merkle root differs.
      expect(report.firstBroken).toMatchObject({ kind: 'head-mismatch', checkpoint: { revision: 0 } });
      expect(report.problems.every((p) => p.kind === 'head-mismatch' || p.kind === 'log-mismatch' || p.kind === 'tree-mismatch')).toBe(true);
      expect(report.problems.some((p) => p.kind === 'tree-mismatch')).toBe(true);
    });

    it('events reordered across streams with no head involved: the log digest differs', () => {
      const log = new MemoryLog();
      log.append('s-a', [{ type: 'T', data: { n: 1 } }]);
      log.append('s-b', [{ type: 'T', data: { n: 2 } }]);
      log.append('s-a', [{ type: 'T', data: { n: 3 } }]);
      log.append('s-b', [{ type: 'T', data: { n: 4 } }]);
      log.checkpoint(key);
      const events = log.copy();
      [events[0], events[1]] = [{ ...events[1], position: 1 }, { ...events[0], position: 2 }];
      expect(verifyLog(events, { publicKeys: keys }).firstBroken).toMatchObject({ kind: 'log-mismatch', position: 4, checkpoint: { revision: 0, covers: 4 } });
    });

    it('an inserted event (a copy appended to a stream)', () => {
      const events = story().copy();
      const copy = structuredClone(events[find(events, 'federation-b', 1)]);
      events.push({ ...copy, id: 'forged', revision: 2, position: events[events.length - 1].position + 1 });
      expect(verifyLog(events).firstBroken).toMatchObject({ kind: 'chain-broken', stream: 'federation-b', revision: 2, eventId: 'forged' });
    });

    it('an inserted event in the middle of a stream', () => {
      const events = story().copy();
      const i = find(events, 'federation-a', 1);
      const forged = { ...structuredClone(events[i]), id: 'forged' };
      events.splice(i, 0, forged);
      for (let j = i + 1; j < events.length; j++) if (events[j].stream === 'federation-a') events[j] = { ...events[j], revision: events[j].revision + 1 };
      events.forEach((e, n) => (e.position = n + 1));
      // The forged event has its own id, so its hash fails at once; the original no longer fits its new revision.
      const report = verifyLog(events);
      expect(report.firstBroken).toMatchObject({ kind: 'edited', stream: 'federation-a', revision: 1, eventId: 'forged' });
      expect(report.problems[1]).toMatchObject({ stream: 'federation-a', revision: 2, kind: 'chain-broken' });
    });

    it('a whole stream inserted before a checkpoint, even with a well-formed chain', () => {
      const log = story(10);
      const events = log.copy();
      const forged = new MemoryLog();
      const [fake] = forged.append('federation-fake', [{ type: 'FederationFormed', data: { id: 'fake' } }]);
      events.splice(1, 0, { ...fake, position: 15 });
      const report = verifyLog(events, { publicKeys: keys });
      expect(report.firstBroken).toMatchObject({ kind: 'stream-unexpected', stream: 'federation-fake', checkpoint: { revision: 0 } });
    });

    it('a removed stream since the last checkpoint', () => {
      const events = story().copy().filter((e) => e.stream !== 'federation-b');
      const report = verifyLog(events, { publicKeys: keys });
      expect(report.firstBroken).toMatchObject({ kind: 'stream-missing', stream: 'federation-b', checkpoint: { revision: 0 } });
    });

    it('an altered checkpoint', () => {
      const events = story().copy();
      const i = find(events, CHECKPOINT_STREAM, 0);
      (events[i].data as { events: number }).events = 99;
      const report = verifyLog(events, { publicKeys: keys });
      expect(report.problems.map((p) => p.kind)).toEqual(['edited', 'checkpoint-signature']);
      expect(report.checkpoints.compared).toBe(0);
    });

    it('a checkpoint signed with a key that is not trusted', () => {
      const log = story();
      const other = new PublicKeyRing([SigningKey.ephemeral().publicKey]);
      expect(verifyLog(log.events, { publicKeys: other }).firstBroken).toMatchObject({ kind: 'checkpoint-signature', stream: CHECKPOINT_STREAM, revision: 0 });
    });

    it('removed checkpoints, when the last one is expected', () => {
      const log = story();
      const last = log.checkpoint(key);
      const events = log.copy().filter((e) => e.id !== last.id);
      expect(verifyLog(events, { publicKeys: keys, expectCheckpoint: { revision: 1, hash: chainOf(last.metadata)!.hash } }).firstBroken).toMatchObject({
        kind: 'checkpoint-missing',
        revision: 1,
      });
      expect(verifyLog(log.events, { publicKeys: keys, expectCheckpoint: { revision: 1, hash: chainOf(last.metadata)!.hash } }).ok).toBe(true);
    });

    it('an event without a chain', () => {
      const events = story().copy();
      delete events[2].metadata.chain;
      expect(verifyLog(events)).toMatchObject({ ok: false, unchained: 1, firstBroken: { kind: 'unchained', position: events[2].position } });
    });

    it('lines out of commit order (an export)', () => {
      const events = story().copy();
      events[3] = { ...events[3], position: 1 };
      expect(verifyLog(events).problems.map((p) => p.kind)).toContain('position-order');
    });
  });

  it('cannot see the last events of a stream removed after the last checkpoint: they are reported as not yet covered', () => {
    const events = story().copy();
    const last = events.pop() as RecordedEvent;
    expect(last.stream).toBe('federation-a');
    const report = verifyLog(events, { publicKeys: keys });
    expect(report).toMatchObject({ ok: true, afterLastCheckpoint: 3 });
  });

  it('keeps counting after the first problem and caps the list', () => {
    const events = story().copy();
    for (const e of events) e.data.tampered = true;
    const report = verifyLog(events, { maxProblems: 3 });
    expect(report.problems).toHaveLength(3);
    expect(report.problemCount).toBeGreaterThanOrEqual(events.length);
  });
});

describe('LogVerifier', () => {
  it('resumes from a checkpoint state and checks only what follows', () => {
    const log = story();
    const upTo = find(log.events, CHECKPOINT_STREAM, 0);
    const first = new LogVerifier();
    for (const e of log.events.slice(0, upTo + 1)) first.add(e);
    const rest = new LogVerifier({ resume: first.state() });
    for (const e of log.events.slice(upTo + 1)) rest.add(e);
    expect(rest.finish()).toMatchObject({ ok: true, checked: log.events.length - upTo - 1 });

    const events = log.copy();
    events[events.length - 1].data = { forged: true };
    const tampered = new LogVerifier({ resume: first.state() });
    for (const e of events.slice(upTo + 1)) tampered.add(e);
    expect(tampered.finish().firstBroken).toMatchObject({ kind: 'edited', stream: 'federation-a', revision: 2 });
  });

  it("state() is what a checkpoint records: every stream's head, the count and the digest", () => {
    const log = story();
    const verifier = new LogVerifier();
    for (const e of log.events) verifier.add(e);
    const state = verifier.state();
    expect(state.events).toBe(log.events.length);
    expect(state.streams['federation-a']).toEqual({ revision: 2, hash: chainOf(log.events[log.events.length - 1].metadata)!.hash, position: log.events[log.events.length - 1].position });
    expect(Object.keys(state.streams).sort()).toEqual([CHECKPOINT_STREAM, 'federation-a', 'federation-b', 'municipality-0580', 'municipality-0581']);
    expect(state.digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
