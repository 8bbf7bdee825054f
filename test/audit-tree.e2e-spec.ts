import { cosign, cosignatureVerifier, ed25519Verifier, parseCheckpointNote, parseNote, verifyCheckpointNote, verifyConsistency, verifyInclusion, witnessVerifierKey } from '@samverkan/audit';
import canonicalize from 'canonicalize';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../apps/cli/src/cli';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { client, Json, RunningApp, startApp } from './support/start-app';

/**
 * The Merkle tree over the log, as an auditor meets it over HTTP on seed story S1: a signed
 * tree head (a C2SP checkpoint note), an inclusion proof for each of one agreement's events,
 * a consistency proof between two checkpoints, a witness's cosignature, and every bad request
 * answered with problem+json. Leaf hashes are computed here with an off-the-shelf JCS library
 * (`canonicalize`, by an author of RFC 8785), not with the service's code.
 */
const WITNESS = generateKeyPairSync('ed25519');
const WITNESS_NAME = 'witness.example.org';
const WITNESS_KEY = witnessVerifierKey(WITNESS_NAME, WITNESS.publicKey);
const STRANGER = generateKeyPairSync('ed25519');

/** RFC 9162 leaf hash of an event as GET /v1/audit/events serves it. */
function leafHashOf(event: Json): Buffer {
  const { position, stream, revision, type, id, data, metadata } = event as Record<string, unknown>;
  const input = canonicalize({ position, stream, revision, type, id, data, metadata });
  if (input === undefined) throw new Error('no JCS form');
  return createHash('sha256').update(Buffer.from([0])).update(input, 'utf8').digest();
}

function b64(hashes: string[]): Buffer[] {
  return hashes.map((h) => Buffer.from(h, 'base64'));
}

describe('the audit tree over HTTP', () => {
  let running: RunningApp;
  let api: ReturnType<typeof client>;
  let noteKey: string;
  const previous = process.env.SAMVERKAN_AUDIT_WITNESSES;

  beforeAll(async () => {
    process.env.SAMVERKAN_AUDIT_WITNESSES = WITNESS_KEY;
    running = await startApp({ env: { SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: '0' } });
    api = client(running.url);
    await runScenario(running.url, loadScenario('s1'));
    noteKey = (await api.get('/v1/audit/public-key')).body.noteVerifierKey;
  });
  afterAll(async () => {
    await running.close();
    if (previous === undefined) delete process.env.SAMVERKAN_AUDIT_WITNESSES;
    else process.env.SAMVERKAN_AUDIT_WITNESSES = previous;
  });

  /** Records a checkpoint now and returns its note, parsed and verified with the published key. */
  async function checkpointNow(): Promise<{ note: string; treeSize: number; root: Buffer }> {
    const written = await api.post('/v1/audit/checkpoints');
    expect([200, 201]).toContain(written.status);
    const latest = await api.get('/v1/audit/checkpoint');
    expect(latest.status).toBe(200);
    expect(latest.headers.get('content-type')).toMatch(/^text\/plain/);
    const verified = verifyCheckpointNote(latest.text, [ed25519Verifier(noteKey)]);
    return { note: latest.text, treeSize: verified.checkpoint.treeSize, root: verified.checkpoint.rootHash };
  }

  it('publishes the note key in the C2SP verifier-key form beside PEM, named by the origin', async () => {
    const key = (await api.get('/v1/audit/public-key')).body;
    expect(key.pem).toContain('BEGIN PUBLIC KEY');
    expect(key.noteVerifierKey).toMatch(/^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
    expect(key.noteVerifierKey.startsWith(`${key.origin}+`)).toBe(true);
    expect(key.witnesses).toEqual([WITNESS_KEY]);
  });

  it('signs a tree head over exactly the events the checkpoint covers, in the tlog-checkpoint format', async () => {
    const { note, treeSize } = await checkpointNow();
    const [origin, size, root, blank] = note.split('\n');
    expect(origin).toBe((await api.get('/v1/audit/public-key')).body.origin);
    expect(Number(size)).toBe(treeSize);
    expect(Buffer.from(root, 'base64')).toHaveLength(32);
    expect(blank).toBe('');
    const [summary] = (await api.get('/v1/audit/checkpoints')).body.slice(-1);
    expect(summary).toMatchObject({ treeSize, rootHash: root, events: treeSize, signature: 'valid' });
    const byId = await api.get(`/v1/audit/checkpoints/${treeSize}`);
    expect(byId.status).toBe(200);
    expect(byId.text).toBe(note);
  });

  it("proves each of one agreement's events in the signed tree, from the event as the API serves it", async () => {
    const { treeSize, root } = await checkpointNow();
    const events = (await api.get('/v1/audit/events?limit=1000')).body as Json[];
    const agreement = events.find((e) => e.stream.startsWith('agreement-'))?.stream as string;
    const stream = (await api.get(`/v1/audit/streams/${agreement}`)).body as Json[];
    expect(stream.length).toBeGreaterThan(1);
    for (const event of stream) {
      expect(event.leafIndex).toBe(events.findIndex((e) => e.position === event.position));
      const proof = await api.get(`/v1/audit/proofs/inclusion?leafIndex=${event.leafIndex}&treeSize=${treeSize}`);
      expect(proof.status).toBe(200);
      expect(proof.body).toEqual({ leafIndex: event.leafIndex, treeSize, hashes: expect.any(Array) });
      expect(proof.text.length).toBeLessThan(1024);
      expect(verifyInclusion(leafHashOf(event), event.leafIndex, treeSize, b64(proof.body.hashes), root)).toBe(true);

      // A changed byte in the event, a wrong index or a wrong proof is caught.
      const changed = { ...event, data: { ...event.data, changed: true } };
      expect(verifyInclusion(leafHashOf(changed), event.leafIndex, treeSize, b64(proof.body.hashes), root)).toBe(false);
      expect(verifyInclusion(leafHashOf(event), (event.leafIndex + 1) % treeSize, treeSize, b64(proof.body.hashes), root)).toBe(false);
      const forged = b64(proof.body.hashes);
      forged[0][0] ^= 1;
      expect(verifyInclusion(leafHashOf(event), event.leafIndex, treeSize, forged, root)).toBe(false);
    }
  });

  it('proves that an earlier signed tree is a prefix of a later one', async () => {
    const first = await checkpointNow();
    await runScenario(running.url, loadScenario('s2'));
    const second = await checkpointNow();
    expect(second.treeSize).toBeGreaterThan(first.treeSize);
    const proof = await api.get(`/v1/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`);
    expect(proof.status).toBe(200);
    expect(proof.body).toEqual({ from: first.treeSize, to: second.treeSize, hashes: expect.any(Array) });
    expect(proof.text.length).toBeLessThan(1024);
    expect(verifyConsistency(first.treeSize, second.treeSize, first.root, second.root, b64(proof.body.hashes))).toBe(true);
    // A stale or forged tree head does not pass.
    const stale = Buffer.from(first.root);
    stale[31] ^= 1;
    expect(verifyConsistency(first.treeSize, second.treeSize, stale, second.root, b64(proof.body.hashes))).toBe(false);
    // The same size answers an empty proof.
    expect((await api.get(`/v1/audit/proofs/consistency?from=${second.treeSize}&to=${second.treeSize}`)).body.hashes).toEqual([]);
  });

  it.each([
    ['/v1/audit/proofs/inclusion?leafIndex=0', 'treeSize'],
    ['/v1/audit/proofs/inclusion?leafIndex=x&treeSize=1', 'leafIndex'],
    ['/v1/audit/proofs/inclusion?leafIndex=5&treeSize=5', 'leafIndex'],
    ['/v1/audit/proofs/inclusion?leafIndex=0&treeSize=999999999', 'treeSize'],
    ['/v1/audit/proofs/inclusion?leafIndex=0&treeSize=0', 'treeSize'],
    ['/v1/audit/proofs/consistency?from=5&to=3', 'from'],
    ['/v1/audit/proofs/consistency?from=0&to=3', 'from'],
    ['/v1/audit/proofs/consistency?from=1&to=999999999', 'to'],
    ['/v1/audit/proofs/consistency?from=-1&to=3', 'from'],
    ['/v1/audit/checkpoints/abc', 'treeSize'],
  ])('%s is a 400 problem naming %s', async (path, field) => {
    const reply = await api.get(path);
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(reply.body)).toContain(field);
  });

  it('answers 404 for a tree size no checkpoint was recorded for', async () => {
    const reply = await api.get('/v1/audit/checkpoints/3');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it("adds a configured witness's cosignature after checking it, once, and refuses any other", async () => {
    const { note, treeSize } = await checkpointNow();
    const text = parseNote(note).text;
    const line = cosign(text, WITNESS_NAME, WITNESS.privateKey, 1_700_000_000).trimEnd();

    const accepted = await api.post(`/v1/audit/checkpoints/${treeSize}/cosignatures`, { cosignature: line });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ recorded: true, treeSize, witness: WITNESS_NAME, time: 1_700_000_000 });
    expect((await api.post(`/v1/audit/checkpoints/${treeSize}/cosignatures`, { cosignature: line })).status).toBe(200);

    const cosigned = (await api.get(`/v1/audit/checkpoints/${treeSize}`)).text;
    expect(cosigned.startsWith(note)).toBe(true);
    const verified = verifyCheckpointNote(cosigned, [ed25519Verifier(noteKey), cosignatureVerifier(WITNESS_KEY)]);
    expect(verified.verified.map((s) => s.name).sort()).toEqual([parseCheckpointNote(text).origin, WITNESS_NAME].sort());

    // The CLI checks the witness's cosignature too when given its key.
    const dir = mkdtempSync(join(tmpdir(), 'samverkan-cosigned-'));
    try {
      const event = (await api.get('/v1/audit/events?limit=1')).body[0];
      writeFileSync(join(dir, 'cp.txt'), cosigned);
      writeFileSync(join(dir, 'proof.json'), (await api.get(`/v1/audit/proofs/inclusion?leafIndex=0&treeSize=${treeSize}`)).text);
      writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
      let stdout = '';
      const sink = (keep: boolean) => new Writable({ write: (chunk, _e, done) => ((keep ? (stdout += String(chunk)) : undefined), done()) });
      const code = await runCli(['verify-inclusion', '--checkpoint', join(dir, 'cp.txt'), '--proof', join(dir, 'proof.json'), '--event', join(dir, 'event.json'), '--note-key', noteKey, '--note-key', WITNESS_KEY, '--json'], { stdout: sink(true), stderr: sink(false), env: {} });
      expect(code).toBe(0);
      expect((JSON.parse(stdout) as { checkpoint: { signedBy: string[] } }).checkpoint.signedBy.sort()).toEqual([parseCheckpointNote(text).origin, WITNESS_NAME].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // A stranger's cosignature, one over another checkpoint, and a garbled line are refused, and nothing is appended.
    const before = (await running.store.readStream('audit-cosignatures')).length;
    const stranger = cosign(text, WITNESS_NAME, STRANGER.privateKey, 1_700_000_000).trimEnd();
    const otherText = text.replace(/\n\d+\n/, `\n${treeSize + 1}\n`);
    const wrongCheckpoint = cosign(otherText, WITNESS_NAME, WITNESS.privateKey, 1_700_000_000).trimEnd();
    for (const bad of [stranger, wrongCheckpoint, '— witness.example.org not-base64!', 'no dash']) {
      const reply = await api.post(`/v1/audit/checkpoints/${treeSize}/cosignatures`, { cosignature: bad });
      expect(reply.status).toBe(422);
      expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reply.body.code).toBe('cosignature-invalid');
    }
    expect((await api.post(`/v1/audit/checkpoints/${treeSize}/cosignatures`, {})).status).toBe(400);
    expect((await api.post('/v1/audit/checkpoints/2/cosignatures', { cosignature: line })).status).toBe(404);
    expect(await running.store.readStream('audit-cosignatures')).toHaveLength(before);
  });
});
