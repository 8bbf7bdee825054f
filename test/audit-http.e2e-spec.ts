import { PublicKeyRing, chainOf, hashEvent, parsePublicKey, verifyExportFile, verifyMessage, canonicalJson } from '@samverkan/audit';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, runScenario, ScenarioRun } from '../scenarios/scenario-runner';
import { client, RunningApp, startApp, Json } from './support/start-app';

/**
 * The audit API over HTTP on seed stories S1 and S5: the history (paging and filters), one
 * stream, past states at a revision or as known at a time, checkpoints, verification and the
 * export, verified offline.
 */
describe('the audit API', () => {
  let running: RunningApp;
  let api: ReturnType<typeof client>;
  let s1: ScenarioRun;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-audit-http-'));
    running = await startApp();
    api = client(running.url);
    s1 = await runScenario(running.url, loadScenario('s1'));
    await runScenario(running.url, loadScenario('s5'));
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('GET /v1/audit/events', () => {
    it('pages through the whole log in commit order with after and limit, each event with data, metadata and recordedAt', async () => {
      const all = await running.store.readAll();
      const seen: Json[] = [];
      let after = 0;
      let pages = 0;
      for (;;) {
        const page = await api.get(`/v1/audit/events?after=${after}&limit=100`);
        expect(page.status).toBe(200);
        pages++;
        if (page.body.length === 0) break;
        seen.push(...page.body);
        after = page.body[page.body.length - 1].position;
        if (!page.headers.get('x-next-after')) break;
        expect(Number(page.headers.get('x-next-after'))).toBe(after);
        expect(page.headers.get('link')).toContain(`after=${after}`);
      }
      expect(pages).toBeGreaterThan(1);
      expect(seen.map((e) => e.position)).toEqual(all.map((e) => e.position));
      const first = seen[0];
      expect(Object.keys(first).sort()).toEqual(['data', 'id', 'leafIndex', 'metadata', 'position', 'recordedAt', 'revision', 'stream', 'type']);
      // The whole log from its start: each event's leaf is its place in commit order.
      expect(seen.map((e) => e.leafIndex)).toEqual(seen.map((_, i) => i));
      expect(first.recordedAt).toBe(first.metadata.recordedAt);
      expect(first.metadata.chain).toMatchObject({ v: 1, prev: null, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    });

    it('answers a small page with a next link, and the next page continues exactly after it', async () => {
      const first = await api.get('/v1/audit/events?limit=3');
      expect(first.body).toHaveLength(3);
      const next = first.headers.get('x-next-after');
      expect(next).toBe(String(first.body[2].position));
      const second = await api.get(`/v1/audit/events?limit=3&after=${next}`);
      expect(second.body[0].position).toBeGreaterThan(first.body[2].position);
      const both = await api.get('/v1/audit/events?limit=6');
      expect([...first.body, ...second.body].map((e: Json) => e.id)).toEqual(both.body.map((e: Json) => e.id));
    });

    it('filters by stream, by type (one or several), by actor and by recording time', async () => {
      const stream = await api.get('/v1/audit/events?stream=agreement-lkp-buys-payroll-2020&limit=1000');
      expect(stream.body.map((e: Json) => e.type)).toEqual(['AgreementProposed', 'AgreementSigned', 'AgreementSigned', 'CouncilDecisionRecorded', 'CouncilDecisionRecorded', 'AgreementConcluded']);
      expect(stream.body.map((e: Json) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);

      const dissolved = await api.get('/v1/audit/events?type=FederationDissolved');
      expect(dissolved.body).toHaveLength(1);
      expect(dissolved.body[0]).toMatchObject({ stream: 'federation-fjarde-storstadsregionen', data: { effectiveFrom: '2020-01-01' } });

      const several = await api.get('/v1/audit/events?type=MilestoneScheduled,MilestoneReached&limit=1000');
      expect(several.body.map((e: Json) => e.type)).toEqual(['MilestoneScheduled', 'MilestoneScheduled', 'MilestoneScheduled', 'MilestoneReached']);

      // The reference data is recorded by the service itself; the stories by the (open-mode) anonymous actor.
      const service = await api.get('/v1/audit/events?actor=samverkan&limit=1000');
      expect(service.body.length).toBeGreaterThanOrEqual(290);
      expect(service.body.every((e: Json) => e.metadata.actor === 'samverkan')).toBe(true);
      const anonymous = await api.get('/v1/audit/events?actor=anonymous&limit=1000');
      expect(anonymous.body.some((e: Json) => e.type === 'FederationDissolved')).toBe(true);
      expect(anonymous.body.every((e: Json) => e.metadata.actor === 'anonymous')).toBe(true);

      // Recording time: only what was recorded between two instants (S1's mark falls inside S1).
      const mark = s1.marks['after-proposal'];
      const before = await api.get(`/v1/audit/events?to=${encodeURIComponent(mark)}&type=AgreementSigned,AgreementProposed&limit=1000`);
      expect(before.body.map((e: Json) => e.type)).toEqual(['AgreementProposed']);
      const afterMark = await api.get(`/v1/audit/events?from=${encodeURIComponent(mark)}&stream=agreement-lkp-buys-payroll-2020`);
      expect(afterMark.body.map((e: Json) => e.revision)).toEqual([1, 2, 3, 4, 5]);
      for (const e of afterMark.body) expect(Date.parse(e.recordedAt)).toBeGreaterThanOrEqual(Date.parse(mark));
    });

    it('refuses a limit above 1,000, a malformed filter, an unknown parameter and an empty time range', async () => {
      for (const query of ['limit=1001', 'limit=0', 'after=-1', 'from=yesterday', 'stream=Not A Stream', 'type=no spaces', 'colour=blue']) {
        const reply = await api.get(`/v1/audit/events?${query}`);
        expect({ query, status: reply.status, code: reply.body.code }).toEqual({ query, status: 400, code: 'validation-failed' });
      }
      const backwards = await api.get('/v1/audit/events?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z');
      expect(backwards.status).toBe(400);
    });
  });

  describe('GET /v1/audit/streams/{stream}', () => {
    it("answers one stream's events in revision order, chained one to the next", async () => {
      const reply = await api.get('/v1/audit/streams/federation-fjarde-storstadsregionen');
      expect(reply.status).toBe(200);
      expect(reply.body.map((e: Json) => e.type)).toEqual(['FederationFormed', 'FederationDissolved']);
      const [formed, dissolved] = reply.body;
      expect(dissolved.metadata.chain.prev).toBe(formed.metadata.chain.hash);
      // Anyone can recompute a hash from what the API shows.
      expect(hashEvent(dissolved.stream, dissolved.revision, dissolved, formed.metadata.chain.hash)).toBe(dissolved.metadata.chain.hash);
    });

    it('answers 404 for a stream that does not exist and 400 for a malformed name', async () => {
      expect((await api.get('/v1/audit/streams/federation-nowhere')).body).toMatchObject({ status: 404, code: 'not-found' });
      expect((await api.get('/v1/audit/streams/NOT_A_STREAM')).status).toBe(400);
    });
  });

  describe('time travel: GET /v1/{federations|agreements|studies}/{id}?atRevision=&knownAt=', () => {
    it('shows an agreement at each revision, and as known after the proposal', async () => {
      const at0 = await api.get('/v1/agreements/lkp-buys-payroll-2020?atRevision=0');
      expect(at0.status).toBe(200);
      expect(at0.headers.get('etag')).toBe('"0"');
      expect(at0.body).toMatchObject({ revision: 0, status: 'proposed', signatures: [], missingSignatures: ['0580', '0581'] });
      const at2 = await api.get('/v1/agreements/lkp-buys-payroll-2020?atRevision=2');
      expect(at2.body).toMatchObject({ revision: 2, status: 'proposed', missingSignatures: [], missingCouncilDecisions: ['0580', '0581'] });
      const now = await api.get('/v1/agreements/lkp-buys-payroll-2020');
      expect(now.body).toMatchObject({ revision: 5, concludedOn: '2019-12-16' });
      const known = await api.get(`/v1/agreements/lkp-buys-payroll-2020?knownAt=${encodeURIComponent(s1.marks['after-proposal'])}`);
      expect(known.body).toMatchObject({ revision: 0, status: 'proposed' });
      expect(known.body).toEqual({ ...at0.body });
    });

    it('shows a federation before and after its dissolution', async () => {
      const before = await api.get('/v1/federations/fjarde-storstadsregionen?atRevision=0');
      expect(before.body).toMatchObject({ kind: 'federation', status: 'active', revision: 0 });
      expect(before.body.dissolution).toBeUndefined();
      const after = await api.get('/v1/federations/fjarde-storstadsregionen');
      expect(after.body).toMatchObject({ status: 'dissolved', revision: 1, dissolution: { effectiveFrom: '2020-01-01' } });
      const knownBefore = await api.get(`/v1/federations/fjarde-storstadsregionen?knownAt=${encodeURIComponent(s1.marks['after-proposal'])}`);
      expect(knownBefore.body).toMatchObject({ status: 'active', revision: 0 });
    });

    it('shows a study as its milestones were scheduled and reached', async () => {
      const study = 'stromsund-organisationsoversyn-2015';
      const states = await Promise.all([0, 1, 3, 4].map((r) => api.get(`/v1/studies/${study}?atRevision=${r}`)));
      expect(states.map((s) => s.body.milestones.length)).toEqual([0, 1, 3, 3]);
      expect(states[2].body.milestones.some((m: Json) => m.reachedOn)).toBe(false);
      expect(states[3].body.milestones.find((m: Json) => m.milestoneId === 'kick-off')).toMatchObject({ reachedOn: '2015-09-01' });
    });

    it('answers 404 before the arrangement existed, and 400 for a malformed revision or instant', async () => {
      expect((await api.get('/v1/agreements/lkp-buys-payroll-2020?knownAt=2001-01-01T00:00:00Z')).status).toBe(404);
      expect((await api.get('/v1/agreements/lkp-buys-payroll-2020?atRevision=two')).status).toBe(400);
      expect((await api.get('/v1/agreements/lkp-buys-payroll-2020?knownAt=2019-13-01')).status).toBe(400);
    });
  });

  describe('checkpoints, verification and the public key', () => {
    it('publishes an Ed25519 public key', async () => {
      const reply = await api.get('/v1/audit/public-key');
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ algorithm: 'Ed25519', keyId: expect.stringMatching(/^[0-9a-f]{16}$/), jwk: { kty: 'OKP', crv: 'Ed25519' } });
      expect(parsePublicKey(reply.body.pem).asymmetricKeyType).toBe('ed25519');
      expect(reply.body.trusted[0].keyId).toBe(reply.body.keyId);
    });

    it('verifies the log after S1 and S5, appends a signed checkpoint on demand, and compares the log with it', async () => {
      const before = await api.post('/v1/audit/verify');
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ ok: true, problemCount: 0, unchained: 0, checkpoints: { found: 0 } });
      expect(before.body.checked).toBe((await running.store.readAll()).length);

      const written = await api.post('/v1/audit/checkpoints');
      expect(written.status).toBe(201);
      expect(written.body).toMatchObject({ written: true, checkpoint: { revision: 0, signature: 'valid', events: before.body.checked } });
      const again = await api.post('/v1/audit/checkpoints');
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ written: false, checkpoint: { revision: 0 } });

      const [event] = await running.store.readStream('audit-checkpoints');
      expect(event).toMatchObject({ type: 'AuditCheckpointRecorded', data: { position: before.body.head, events: before.body.checked } });
      expect(Object.keys(event.data.streams as object)).toContain('agreement-lkp-buys-payroll-2020');
      // The signature is Ed25519 over the canonical JSON of the rest of the data, under the published key.
      const key = parsePublicKey((await api.get('/v1/audit/public-key')).body.pem);
      const { signature, ...signed } = event.data;
      expect(verifyMessage(key, canonicalJson(signed), signature as string)).toBe(true);
      expect(chainOf(event.metadata)).toMatchObject({ prev: null });

      // The read models skip the checkpoint: it is on no register stream.
      expect((await api.get('/health')).body.status).toBe('ok');
      const after = await api.post('/v1/audit/verify');
      expect(after.body).toMatchObject({ ok: true, checkpoints: { found: 1, compared: 1, signatures: 'checked', last: { revision: 0, signature: 'valid' } }, afterLastCheckpoint: 1 });

      const list = await api.get('/v1/audit/checkpoints');
      expect(list.body).toEqual([expect.objectContaining({ revision: 0, covers: before.body.head, signature: 'valid' })]);
    });
  });

  describe('GET /v1/audit/export', () => {
    it('streams the whole log as NDJSON (header with the public key, every event with its chain, signed footer), verifiable offline', async () => {
      const response = await fetch(`${running.url}/v1/audit/export`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const text = await response.text();
      const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l));
      const events = await running.store.readAll();
      expect(lines[0]).toMatchObject({ kind: 'header', format: 'samverkan-audit-export/1', publicKeys: [expect.objectContaining({ algorithm: 'Ed25519' })] });
      expect(lines.slice(1, -1).map((l) => l.id)).toEqual(events.map((e) => e.id));
      expect(lines.slice(1, -1).some((l) => l.type === 'AuditCheckpointRecorded')).toBe(true);
      expect(lines[lines.length - 1]).toMatchObject({ kind: 'footer', events: events.length, signature: expect.any(String) });

      const file = join(dir, 'export.ndjson');
      writeFileSync(file, text);
      const key = parsePublicKey((await api.get('/v1/audit/public-key')).body.pem);
      const report = await verifyExportFile(file, { publicKeys: new PublicKeyRing([key]) });
      expect(report).toMatchObject({ ok: true, checked: events.length, export: { complete: true, signature: 'valid', keySource: 'pinned' }, checkpoints: { compared: 1 } });

      // The same file with one event's data changed: the event's hash and the footer both say so.
      const tampered = text.replace('"effectiveFrom":"2020-01-01"', '"effectiveFrom":"2021-01-01"');
      expect(tampered).not.toBe(text);
      writeFileSync(file, tampered);
      const broken = await verifyExportFile(file, { publicKeys: new PublicKeyRing([key]) });
      expect(broken.ok).toBe(false);
      expect(broken.firstBroken).toMatchObject({ kind: 'edited' });
      expect(broken.problems.map((p) => p.kind)).toContain('export-altered');

      // Cut short: the footer is missing.
      writeFileSync(file, text.split('\n').slice(0, 100).join('\n'));
      expect((await verifyExportFile(file)).problems.map((p) => p.kind)).toContain('export-incomplete');
      expect(readFileSync(file, 'utf8').length).toBeGreaterThan(0);
    });
  });
});

describe('the audit API with API keys', () => {
  let running: RunningApp;
  let dir: string;
  const keys = { auditor: 'auditor-key-0123456789abcdef', reader: 'reader-key-0123456789abcdef', admin: 'admin-key-0123456789abcdef' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-audit-keys-'));
    const { createHash } = await import('node:crypto');
    const sha = (k: string) => createHash('sha256').update(k).digest('hex');
    const file = join(dir, 'keys.json');
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'the-auditor', sha256: sha(keys.auditor), roles: ['auditor'] },
        { name: 'the-reader', sha256: sha(keys.reader), roles: ['reader'] },
      ]),
    );
    running = await startApp({ env: { SAMVERKAN_API_KEYS_FILE: file, SAMVERKAN_ADMIN_KEY: keys.admin, HOST: '127.0.0.1', SAMVERKAN_RATE_LIMIT: '0' } });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets auditors and admins in, and keeps readers and callers without a key out', async () => {
    const as = (key?: string) => client(running.url, key ? { authorization: `Bearer ${key}` } : {});
    expect((await as().get('/v1/audit/events?limit=1')).status).toBe(401);
    expect((await as(keys.reader).get('/v1/audit/events?limit=1')).status).toBe(403);
    expect((await as(keys.reader).post('/v1/audit/verify')).status).toBe(403);
    expect((await as(keys.auditor).get('/v1/audit/events?limit=1')).status).toBe(200);
    expect((await as(keys.admin).get('/v1/audit/public-key')).status).toBe(200);
    const checkpoint = await as(keys.auditor).post('/v1/audit/checkpoints');
    expect(checkpoint.status).toBe(201);
    // The checkpoint records who asked for it.
    const [event] = await running.store.readStream('audit-checkpoints');
    expect(event.metadata.actor).toBe('the-auditor');
  });
});
