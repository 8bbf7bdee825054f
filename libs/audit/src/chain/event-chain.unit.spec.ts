import { createHash } from 'node:crypto';
import type { EventToAppend } from '@samverkan/event-store';
import { canonicalJson } from './canonical-json';
import { ChainSealer, EMPTY_CHAIN_HEAD, chainHeadOf, chainOf, hashEvent, sealBatch } from './event-chain';

const event = (id: string, data: Record<string, unknown> = { n: id }): EventToAppend => ({
  id,
  type: 'Happened',
  data,
  metadata: { commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', source: 's', recordedAt: '2021-01-01T00:00:00.000Z', schemaVersion: 1 },
});

describe('the event chain', () => {
  it('hashes the canonical JSON of version, stream, revision, id, type, data, metadata without the chain, and the previous hash', () => {
    const e = event('e1');
    const expected = createHash('sha256')
      .update(canonicalJson({ v: 1, stream: 'federation-x', revision: 0, id: 'e1', type: 'Happened', data: { n: 'e1' }, metadata: e.metadata, prev: null }))
      .digest('hex');
    expect(hashEvent('federation-x', 0, e, null)).toBe(expected);
    // The chain in the metadata is not part of what is hashed.
    expect(hashEvent('federation-x', 0, { ...e, metadata: { ...e.metadata, chain: { v: 1, prev: null, hash: 'f'.repeat(64) } } }, null)).toBe(expected);
  });

  it('changes with every field it covers', () => {
    const e = event('e1');
    const base = hashEvent('s-1', 3, e, 'a'.repeat(64));
    expect(hashEvent('s-2', 3, e, 'a'.repeat(64))).not.toBe(base);
    expect(hashEvent('s-1', 4, e, 'a'.repeat(64))).not.toBe(base);
    expect(hashEvent('s-1', 3, e, 'b'.repeat(64))).not.toBe(base);
    expect(hashEvent('s-1', 3, { ...e, type: 'Other' }, 'a'.repeat(64))).not.toBe(base);
    expect(hashEvent('s-1', 3, { ...e, data: { n: 'e2' } }, 'a'.repeat(64))).not.toBe(base);
    expect(hashEvent('s-1', 3, { ...e, metadata: { ...e.metadata, actor: 'b' } }, 'a'.repeat(64))).not.toBe(base);
    expect(hashEvent('s-1', 3, { ...e, id: 'e9' }, 'a'.repeat(64))).not.toBe(base);
  });

  it('does not depend on key order, so a stored and re-read event hashes the same', () => {
    const e = event('e1', { b: 2, a: 1 });
    const reordered = { ...e, data: { a: 1, b: 2 }, metadata: JSON.parse(JSON.stringify(e.metadata)) as typeof e.metadata };
    expect(hashEvent('s-1', 0, reordered, null)).toBe(hashEvent('s-1', 0, e, null));
  });

  it('seals a batch linked to the stream head, each event to the one before it', () => {
    const sealed = sealBatch('s-1', { revision: 4, hash: 'c'.repeat(64) }, [event('e5'), event('e6')]);
    const [first, second] = sealed.map((e) => chainOf(e.metadata)!);
    expect(first.prev).toBe('c'.repeat(64));
    expect(first.hash).toBe(hashEvent('s-1', 5, sealed[0], 'c'.repeat(64)));
    expect(second.prev).toBe(first.hash);
    expect(second.hash).toBe(hashEvent('s-1', 6, sealed[1], first.hash));
    // The input is left alone.
    expect(event('e5').metadata.chain).toBeUndefined();
  });

  it('finds the head of a recorded stream, and starts an empty one from null', () => {
    expect(chainHeadOf([])).toEqual(EMPTY_CHAIN_HEAD);
    const sealed = sealBatch('s-1', EMPTY_CHAIN_HEAD, [event('e0'), event('e1')]);
    expect(chainHeadOf(sealed.map((e, revision) => ({ revision, metadata: e.metadata })))).toEqual({ revision: 1, hash: chainOf(sealed[1].metadata)!.hash });
    expect(chainHeadOf([{ revision: 7, metadata: event('old').metadata }])).toEqual({ revision: 7, hash: null });
  });

  it('accepts only a well-formed chain', () => {
    expect(chainOf(event('e').metadata)).toBeUndefined();
    expect(chainOf({ ...event('e').metadata, chain: { v: 1, prev: null, hash: 'nothex' } })).toBeUndefined();
    expect(chainOf({ ...event('e').metadata, chain: { v: 2, prev: null, hash: 'a'.repeat(64) } })).toBeUndefined();
    expect(chainOf({ ...event('e').metadata, chain: { v: 1, prev: 'x', hash: 'a'.repeat(64) } })).toBeUndefined();
    expect(chainOf({ ...event('e').metadata, chain: { v: 1, prev: null, hash: 'a'.repeat(64) } })).toEqual({ v: 1, prev: null, hash: 'a'.repeat(64) });
  });

  it('ChainSealer continues each stream where its last batch ended', () => {
    const sealer = new ChainSealer();
    const a1 = sealer.seal('a-1', [event('x')]);
    sealer.seal('b-1', [event('y')]);
    const a2 = sealer.seal('a-1', [event('z')]);
    expect(chainOf(a2[0].metadata)!.prev).toBe(chainOf(a1[0].metadata)!.hash);
    expect(chainOf(a2[0].metadata)!.hash).toBe(hashEvent('a-1', 1, a2[0], chainOf(a1[0].metadata)!.hash));
  });
});

describe('chainContent', () => {
  it('is exactly the canonical JSON of the object it stands for', () => {
    const { chainContent } = jest.requireActual<typeof import('./event-chain')>('./event-chain');
    const e = { ...event('e1', { z: [1, { b: 'ö', a: null }], a: 'x' }), metadata: { ...event('e1').metadata, chain: { v: 1, prev: null, hash: 'f'.repeat(64) }, extra: undefined } };
    const { chain: _chain, ...metadata } = e.metadata;
    for (const prev of [null, 'a'.repeat(64)]) {
      expect(chainContent('agreement-x', 7, e, prev)).toBe(canonicalJson({ v: 1, stream: 'agreement-x', revision: 7, id: 'e1', type: 'Happened', data: e.data, metadata, prev }));
    }
  });
});
