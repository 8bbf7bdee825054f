import { Logger } from '@nestjs/common';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { client, startApp } from './support/start-app';

/**
 * A service started from a read-model snapshot answers exactly as one that rebuilt everything
 * from the log: the scenario's register, then a few commands after the snapshot (the tail).
 */
describe('start-up from a read-model snapshot', () => {
  let dataDir: string;
  const transfer = { serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: '2024-01-10', effectiveFrom: '2024-03-01' };

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'samverkan-snapshot-app-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const start = (snapshots: 'on' | 'off') => startApp({ store: SqliteEventStore.open({ dataDir }), env: { SAMVERKAN_DATA_DIR: dataDir, SAMVERKAN_SNAPSHOTS: snapshots } });

  /** The questions asked of both services, with their answers. */
  async function answers(url: string, position: number) {
    const api = client(url);
    const paths = [
      `/v1/matrix?on=2013-06-01&minPosition=${position}`,
      `/v1/matrix?on=2024-06-01&minPosition=${position}`,
      `/v1/attention?on=2012-12-13&minPosition=${position}`,
      `/v1/arrangements?minPosition=${position}`,
      `/v1/municipalities/0483/provisions/procurement/history?minPosition=${position}`,
      `/v1/municipalities/0580?minPosition=${position}`,
      `/v1/agreements/katrineholm-buys-procurement?minPosition=${position}`,
    ];
    const replies = [];
    for (const path of paths) {
      const reply = await api.get(path);
      replies.push({ path, status: reply.status, body: reply.body });
    }
    return replies;
  }

  it('answers as a service rebuilt from the log, including idempotent resends of commands made before the snapshot', async () => {
    const first = await start('on');
    const run = await runScenario(first.url, loadScenario('s2'));
    const before = await client(first.url).post('/v1/municipalities/0580/transfers', transfer, { 'idempotency-key': 'before-the-snapshot' });
    expect(before.status).toBe(201);
    await first.close();
    const file = join(dataDir, 'snapshots', 'read-models.snap');
    expect(existsSync(file)).toBe(true);

    const logged: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(String(message)));
    const restored = await start('on');
    spy.mockRestore();
    const resent = await client(restored.url).post('/v1/municipalities/0580/transfers', transfer, { 'idempotency-key': 'before-the-snapshot' });
    const tail = await client(restored.url).post('/v1/municipalities/0581/transfers', transfer, { 'idempotency-key': 'after-the-snapshot' });
    const position = Math.max(run.position, tail.body.position);
    const fromSnapshot = await answers(restored.url, position);
    await restored.close();

    const rebuilt = await start('off');
    const fromLog = await answers(rebuilt.url, position);
    const resentToRebuilt = await client(rebuilt.url).post('/v1/municipalities/0580/transfers', transfer, { 'idempotency-key': 'before-the-snapshot' });
    await rebuilt.close();

    expect(logged.find((line) => line.startsWith('Read models at position'))).toMatch(/snapshot at \d+ loaded in \d+ ms, tail of [01] events? applied/);
    expect(resent.status).toBe(before.status);
    expect(resent.body).toEqual(before.body);
    expect(resentToRebuilt.body).toEqual(before.body);
    expect(tail.status).toBe(201);
    expect(fromSnapshot.every((reply) => reply.status === 200)).toBe(true);
    expect(fromSnapshot).toEqual(fromLog);
  }, 120_000);
});
