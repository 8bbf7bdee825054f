import { PublicKeyRing, parsePublicKey, verifyExportFile } from '@samverkan/audit';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { SseClient } from '../libs/subscriptions/src/testing/sse-client';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { COMPRESSION_THRESHOLD } from '../apps/api/src/app.factory';
import { RunningApp, client, startApp } from './support/start-app';

/**
 * Compressed answers: JSON, CSV and the NDJSON export in gzip or brotli when asked for, the same
 * content as uncompressed; small answers and problem+json as before; the SSE feeds never
 * compressed, so a frame is not held back in a compressor's buffer.
 */

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as they came over the wire (node:http does not decode them, unlike fetch). */
  wire: Buffer;
  /** The body decoded by its Content-Encoding. */
  text: string;
}

function decode(encoding: string | undefined, wire: Buffer): Buffer {
  if (encoding === undefined) return wire;
  if (encoding === 'gzip') return gunzipSync(wire);
  if (encoding === 'br') return brotliDecompressSync(wire);
  throw new Error(`unexpected Content-Encoding ${encoding}`);
}

function raw(url: string, path: string, headers: Record<string, string>, method = 'GET', body?: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const wire = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        resolve({ status: res.statusCode ?? 0, headers: res.headers, wire, text: decode(encoding, wire).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const IDENTITY = { 'accept-encoding': 'identity' };

describe('compressed answers', () => {
  let running: RunningApp;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-compression-'));
    // A heartbeat far beyond any wait below: a frame that arrives can only be the frame itself.
    running = await startApp({ env: { SAMVERKAN_SSE_HEARTBEAT_MS: '600000' } });
    await runScenario(running.url, loadScenario('s1'));
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the whole-country matrix', () => {
    let plain: RawAnswer;
    beforeAll(async () => {
      plain = await raw(running.url, '/v1/matrix?on=2020-06-01', IDENTITY);
    });

    it('is sent uncompressed when the client asks for identity, or sends no Accept-Encoding', async () => {
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(plain.text).rows).toHaveLength(290);
      const none = await raw(running.url, '/v1/matrix?on=2020-06-01', {});
      expect(none.headers['content-encoding']).toBeUndefined();
      expect(none.text).toBe(plain.text);
    });

    it.each(['gzip', 'br'])('decodes from %s to the same JSON, in a fraction of the bytes, with Vary: Accept-Encoding', async (encoding) => {
      const answer = await raw(running.url, '/v1/matrix?on=2020-06-01', { 'accept-encoding': encoding });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBe(encoding);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(answer.headers.vary).toMatch(/accept-encoding/i);
      expect(JSON.parse(answer.text)).toEqual(JSON.parse(plain.text));
      expect(answer.wire.length).toBeLessThan(plain.wire.length / 10);
    });

    it("prefers brotli when the client accepts both equally (a browser's Accept-Encoding), and follows q-values", async () => {
      expect((await raw(running.url, '/v1/matrix?on=2020-06-01', { 'accept-encoding': 'gzip, deflate, br' })).headers['content-encoding']).toBe('br');
      expect((await raw(running.url, '/v1/matrix?on=2020-06-01', { 'accept-encoding': 'br;q=0.5, gzip' })).headers['content-encoding']).toBe('gzip');
    });

    it('is compressed as CSV too, decoding to the same CSV', async () => {
      const csv = { accept: 'text/csv' };
      const plainCsv = await raw(running.url, '/v1/matrix?on=2020-06-01', { ...csv, ...IDENTITY });
      expect(plainCsv.headers['content-type']).toMatch(/^text\/csv/);
      for (const encoding of ['gzip', 'br']) {
        const answer = await raw(running.url, '/v1/matrix?on=2020-06-01', { ...csv, 'accept-encoding': encoding });
        expect(answer.headers['content-type']).toMatch(/^text\/csv/);
        expect(answer.headers['content-encoding']).toBe(encoding);
        expect(answer.text).toBe(plainCsv.text);
      }
    });
  });

  it('compresses the NDJSON export, which decodes to the same events and verifies offline', async () => {
    const plain = await raw(running.url, '/v1/audit/export', IDENTITY);
    const answer = await raw(running.url, '/v1/audit/export', { 'accept-encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(answer.headers['content-encoding']).toBe('gzip');
    const lines = (text: string) => text.trimEnd().split('\n').map((l) => JSON.parse(l));
    // The header and the signed footer carry the export's time; every event line is the same.
    expect(lines(answer.text).slice(1, -1)).toEqual(lines(plain.text).slice(1, -1));
    expect(lines(answer.text).slice(1, -1).length).toBeGreaterThan(300);
    const file = join(dir, 'export.ndjson');
    writeFileSync(file, answer.text);
    const key = parsePublicKey((await client(running.url).get('/v1/audit/public-key')).body.pem);
    expect(await verifyExportFile(file, { publicKeys: new PublicKeyRing([key]) })).toMatchObject({ ok: true, export: { complete: true, signature: 'valid' } });
  });

  it('sends answers smaller than the threshold as they are', async () => {
    const health = await raw(running.url, '/health', { 'accept-encoding': 'gzip, br' });
    expect(health.status).toBe(200);
    expect(health.wire.length).toBeLessThan(COMPRESSION_THRESHOLD);
    expect(health.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', store: 'embedded' });
    const provision = await raw(running.url, '/v1/municipalities/0580/provisions/payroll?on=2020-06-01', { 'accept-encoding': 'gzip' });
    expect(provision.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(provision.text)).toMatchObject({ serviceArea: 'payroll', provider: { kind: 'municipality', code: '0581' }, basis: { kind: 'agreement' } });
  });

  it('answers problem+json as before, compressed only when it is large, and always decodable', async () => {
    const notFound = await raw(running.url, '/v1/municipalities/9999/provisions/payroll?on=2020-06-01', { 'accept-encoding': 'gzip' });
    expect(notFound.status).toBe(404);
    expect(notFound.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(notFound.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(notFound.text)).toMatchObject({ status: 404 });

    // Many invalid fields make a problem document past the threshold: compressed, same document.
    const fields = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`unknownField${i}`, 'x'.repeat(20)]));
    const body = Buffer.from(JSON.stringify({ serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: 'not a date', effectiveFrom: 'nor this', ...fields }));
    const send = (encoding: string) => raw(running.url, '/v1/municipalities/0580/transfers', { 'content-type': 'application/json', 'accept-encoding': encoding }, 'POST', body);
    const plain = await send('identity');
    const gzipped = await send('gzip');
    expect(plain.status).toBe(400);
    expect(gzipped.status).toBe(400);
    expect(gzipped.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(plain.wire.length).toBeGreaterThan(COMPRESSION_THRESHOLD);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gzipped.text)).toEqual(JSON.parse(plain.text));
  });

  it('does not decompress request bodies: a gzip-encoded command is refused and records nothing', async () => {
    const head = await running.store.headPosition();
    const body = gzipSync(JSON.stringify({ serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' }));
    const answer = await raw(running.url, '/v1/municipalities/0580/transfers', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'POST', body);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await running.store.headPosition()).toBe(head);
  });

  describe('the SSE feeds, with Accept-Encoding: gzip', () => {
    it.each([
      ['provisions', '/v1/subscriptions/provisions', 'provision-changed'],
      ['events', '/v1/subscriptions/events', 'domain-event'],
    ])('%s: stream uncompressed, and deliver a live frame while the stream stays open', async (_feed, path, event) => {
      const stream = await SseClient.open(`${running.url}${path}`, { 'accept-encoding': 'gzip, br' });
      try {
        expect(stream.status).toBe(200);
        expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
        expect(stream.headers['content-encoding']).toBeUndefined();
        await stream.waitFor((m) => m.event === 'caught-up');
        const api = client(running.url);
        const sent = await api.post('/v1/municipalities/0114/transfers', { serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: '2024-01-10', effectiveFrom: `2024-02-${String(10 + (path.length % 10)).padStart(2, '0')}` });
        expect(sent.status).toBe(201);
        // Held in a compressor, the frame would wait for more output or the end of the stream,
        // neither of which comes within this wait (the heartbeat is ten minutes away).
        const frame = await stream.waitFor((m) => m.event === event && Number(m.id) === sent.body.position, 5_000);
        expect(frame.data).toMatchObject(event === 'provision-changed' ? { municipality: '0114', serviceArea: 'payroll', position: sent.body.position } : { type: 'ServiceTransferred', stream: 'municipality-0114' });
        expect(stream.isEnded).toBe(false);
        expect(stream.comments).not.toContain('heartbeat');
      } finally {
        stream.kill();
      }
    });
  });
});
