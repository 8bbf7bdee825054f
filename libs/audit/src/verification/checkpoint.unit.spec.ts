import { PublicKeyRing, SigningKey } from '../signing/signing-key';
import { CHECKPOINT_EVENT_TYPE, CheckpointData, GENESIS_DIGEST, checkSignature, checkpointEvent, nextDigest, parseCheckpoint, signCheckpoint } from './checkpoint';

const key = SigningKey.ephemeral();
const body = { position: 41, events: 40, digest: 'a'.repeat(64), streams: { 'federation-x': { revision: 2, hash: 'b'.repeat(64), position: 39 } }, signedAt: '2021-05-10T13:45:00.000Z' };

describe('checkpoints', () => {
  it('are signed over the canonical JSON of their data, and any change breaks the signature', () => {
    const data = signCheckpoint(body, key);
    expect(data).toMatchObject({ format: 'samverkan-audit-checkpoint/1', key: { algorithm: 'Ed25519', keyId: key.keyId } });
    const ring = new PublicKeyRing([key.publicKey]);
    expect(checkSignature(data, ring)).toBe('valid');
    // Key order does not matter (canonical JSON); content does.
    expect(checkSignature(JSON.parse(JSON.stringify({ signature: data.signature, ...body, key: data.key, format: data.format })) as CheckpointData, ring)).toBe('valid');
    expect(checkSignature({ ...data, events: 39 }, ring)).toBe('invalid');
    expect(checkSignature({ ...data, streams: { ...data.streams, 'federation-y': { revision: 0, hash: 'c'.repeat(64), position: 40 } } }, ring)).toBe('invalid');
    expect(checkSignature(data, new PublicKeyRing([SigningKey.ephemeral().publicKey]))).toBe('unknown-key');
    expect(checkSignature(data, undefined)).toBe('not-checked');
  });

  it('are recognised only when well formed', () => {
    const data = signCheckpoint(body, key);
    expect(parseCheckpoint(data)).toBe(data);
    expect(parseCheckpoint({ ...data, format: 'other' })).toBeUndefined();
    expect(parseCheckpoint({ ...data, position: -1 })).toBeUndefined();
    expect(parseCheckpoint({ ...data, streams: { s: { revision: 'x' } } })).toBeUndefined();
    expect(parseCheckpoint(null)).toBeUndefined();
  });

  it('become an AuditCheckpointRecorded event with the metadata every event carries', () => {
    const event = checkpointEvent(signCheckpoint(body, key), { id: 'f6c0c8f5-1d4e-4e8f-9d38-1c2b9e0f7a11', actor: 'the-auditor', source: 'samverkan:audit', recordedAt: body.signedAt });
    expect(event).toMatchObject({ type: CHECKPOINT_EVENT_TYPE, metadata: { commandId: event.id, correlationId: event.id, causationId: event.id, actor: 'the-auditor', recordedAt: body.signedAt, schemaVersion: 1 } });
  });

  it('chain the log digest from 32 zero bytes, one event hash at a time', () => {
    const one = nextDigest(Buffer.from(GENESIS_DIGEST, 'hex'), 'c'.repeat(64));
    expect(one.toString('hex')).toMatch(/^[0-9a-f]{64}$/);
    expect(nextDigest(one, 'd'.repeat(64))).not.toEqual(nextDigest(Buffer.from(GENESIS_DIGEST, 'hex'), 'd'.repeat(64)));
  });
});

describe('the log digest step', () => {
  it('is SHA-256 over the previous digest and the event hash, as bytes', () => {
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const previous = Buffer.from('1'.repeat(64), 'hex');
    const expected = createHash('sha256').update(previous).update(Buffer.from('e'.repeat(64), 'hex')).digest();
    expect(nextDigest(previous, 'e'.repeat(64))).toEqual(expected);
    expect(previous).toEqual(Buffer.from('1'.repeat(64), 'hex'));
  });
});
