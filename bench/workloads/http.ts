import { Logger } from '@nestjs/common';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { ProjectionRunner } from '@samverkan/projections';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { startApp } from '../../test/support/start-app';
import { BenchConfig } from '../config';
import { startBareServer } from '../http/bare-server';
import { describeNon2xx, signatureRuns, transferRuns } from '../http/commands';
import { LatencyResult, LoadResult, latencyLoad } from '../http/load';
import { BenchFederation, formFederation, get } from '../http/prepare';
import { Row, ms, rate, verdict } from '../report';
import { log } from '../support/log';
import { Random } from '../support/random';
import { tempDir } from '../support/runtime';
import { StepResult, Workload } from './workload';

/**
 * Figures 3 and 4, on one running service: `startApp()` (the whole Nest/Fastify service) on
 * a file-based SqliteEventStore in a temp dir, next to a bare Fastify with the same routes in
 * the same process (the baseline). The load runs in a worker thread.
 *
 * 3. Command throughput with 16 clients, counting 2xx only: transfers to one federation of
 *    100 members and 20 charter areas, and signatures of pre-proposed agreements (each
 *    signature valid once). Each is measured against the bare route with the same requests.
 * 4. Provision query latency over HTTP once the model holds what step 3 recorded, with one
 *    client and with 16, against the bare route's latency.
 */

const SIGNATURE_TARGET = 0.2;
const P99_TARGET_MS = 5;

function commandRow(id: string, figure: string, service: LoadResult, bare: LoadResult, extra = ''): Row {
  const ratio = service.okPerSecond / bare.okPerSecond;
  return {
    id,
    figure,
    target: `≥ ${SIGNATURE_TARGET}×`,
    measured: rate(service.okPerSecond, '2xx/s'),
    baseline: rate(bare.okPerSecond, '2xx/s'),
    ratio,
    result: verdict(ratio >= SIGNATURE_TARGET && service.ok > 0),
    note: `service: ${service.ok.toLocaleString('en-US')} × 2xx in ${service.seconds} s, ${describeNon2xx(service)}, latency p50 ${service.latencyMs.p50} ms / p99 ${service.latencyMs.p99} ms (autocannon, whole ms); bare: ${describeNon2xx(bare)}${extra}`,
  };
}

function latencyRow(id: string, figure: string, service: LatencyResult, bare: LatencyResult): Row {
  return {
    id,
    figure,
    target: `p99 ≤ ${P99_TARGET_MS} ms`,
    measured: `p50 ${ms(service.p50)} · p99 ${ms(service.p99)}`,
    baseline: `p50 ${ms(bare.p50)} · p99 ${ms(bare.p99)}`,
    ratio: service.p99 / bare.p99,
    result: verdict(service.p99 <= P99_TARGET_MS && service.ok > 0 && service.non2xx === 0),
    note: `service: ${service.ok.toLocaleString('en-US')} answers at ${rate(service.okPerSecond, '/s')}, p99.9 ${ms(service.p999)}, max ${ms(service.max)}, ${describeNon2xx(service)}; bare at ${rate(bare.okPerSecond, '/s')}`,
  };
}

/** Provision questions: mostly cells that have transfers (the federation's members and areas), the rest anywhere; days 2005–2030. */
function provisionPaths(random: Random, federation: BenchFederation, count: number): string[] {
  const codes = loadMunicipalities().map((m) => m.code);
  const areas = loadServiceAreas().map((a) => a.slug);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const inFederation = random.chance(0.7);
    const code = inFederation ? random.pick(federation.members) : random.pick(codes);
    const area = inFederation ? random.pick(federation.areas) : random.pick(areas);
    const on = `${random.int(2005, 2030)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
    paths.push(`/v1/municipalities/${code}/provisions/${area}?on=${on}`);
  }
  return paths;
}

export const httpWorkload: Workload = {
  step: 'http',
  title: 'HTTP commands and provision queries',
  rows: [
    { id: '3a', figure: 'HTTP commands: POST /v1/agreements/{id}/signatures, 16 clients, 2xx/s vs bare Fastify JSON route', target: `≥ ${SIGNATURE_TARGET}×` },
    { id: '3b', figure: 'HTTP commands: POST /v1/municipalities/{code}/transfers, 16 clients, 2xx/s vs bare Fastify JSON route', target: `≥ ${SIGNATURE_TARGET}×` },
    { id: '4a', figure: 'Provision query GET /v1/municipalities/{code}/provisions/{area}?on=…, 1 client (ratio: p99 ÷ bare p99)', target: `p99 ≤ ${P99_TARGET_MS} ms` },
    { id: '4b', figure: 'Provision query, 16 clients (ratio: p99 ÷ bare p99)', target: `p99 ≤ ${P99_TARGET_MS} ms` },
  ],

  async run(config: BenchConfig): Promise<StepResult> {
    const dir = tempDir('http');
    const seconds = config.seconds;
    const warm = config.warmupSeconds;
    const clients = config.connections;
    const random = new Random(config.seed + 3);

    const store = SqliteEventStore.open({ dataDir: dir });
    // Nest's bootstrap logger would print its start-up lines on stdout, between the bench's output.
    Logger.overrideLogger(['error', 'warn']);
    const booted = Date.now();
    const service = await startApp({ store });
    log(`service up at ${service.url} in ${Date.now() - booted} ms (store ${store.settings().file}, synchronous=${store.settings().synchronous})`);
    const bare = await startBareServer();
    log(`bare Fastify at ${bare.url}`);
    const [sigRow, transferRow, oneRow, manyRow] = this.rows;
    try {
      // ------------------------------------------------------------ 3b: transfers
      const federation = await formFederation(service.url, random);
      const { service: serviceTransfers, bare: bareTransfers } = await transferRuns(service.url, bare.url, federation, config);

      // ------------------------------------------------------------ 3a: signatures
      const { service: serviceSignatures, bare: bareSignatures, pool } = await signatureRuns(service.url, bare.url, random, dir, serviceTransfers.okPerSecond, config);
      const exhausted = pool.exhausted;

      // ------------------------------------------------------------ 4: provision latency
      const runner = service.app.get(ProjectionRunner);
      const head = await store.headPosition();
      if (!(await runner.waitFor(head, 60_000))) throw new Error(`the read model did not reach ${head}`);
      const model = runner.model;
      const loaded = { events: model.eventCount, position: model.position, arrangements: model.listArrangements({}, '2025-06-30').length };
      log(`read model for the latency runs: ${loaded.events.toLocaleString('en-US')} events, ${loaded.arrangements.toLocaleString('en-US')} arrangements`);
      const paths = provisionPaths(random, federation, 10_000);
      let viaFederation = 0;
      for (const path of paths.slice(0, 50)) {
        const answer = await get(service.url, path);
        if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.json)}`);
        if ((answer.json as { basis?: { kind?: string } } | undefined)?.basis?.kind === 'federation') viaFederation++;
      }
      log(`provision check: 50 × 200, ${viaFederation} of them provided by the federation`);
      const bareOne = await latencyLoad('bare provision, 1 client', bare.url, paths, seconds, warm, 1);
      const serviceOne = await latencyLoad('service provision, 1 client', service.url, paths, seconds, warm, 1);
      const bareMany = await latencyLoad(`bare provision, ${clients} clients`, bare.url, paths, seconds, warm, clients);
      const serviceMany = await latencyLoad(`service provision, ${clients} clients`, service.url, paths, seconds, warm, clients);

      return {
        rows: [
          commandRow(sigRow.id, sigRow.figure, serviceSignatures, bareSignatures, exhausted ? '; THE SIGNATURE POOL RAN OUT (the tail answered 422)' : ''),
          commandRow(transferRow.id, transferRow.figure, serviceTransfers, bareTransfers, `; one federation of ${federation.members.length} members × ${federation.areas.length} areas`),
          latencyRow(oneRow.id, oneRow.figure, serviceOne, bareOne),
          latencyRow(manyRow.id, manyRow.figure.replace('16 clients', `${clients} clients`), serviceMany, bareMany),
        ],
        details: {
          connections: clients,
          seconds,
          warmupSeconds: warm,
          federation: { id: federation.id, members: federation.members.length, areas: federation.areas.length },
          signaturePool: pool,
          transfers: { service: serviceTransfers, bare: bareTransfers },
          signatures: { service: serviceSignatures, bare: bareSignatures },
          readModel: loaded,
          provisionChecks: { checked: 50, viaFederation },
          latency: { oneClient: { service: serviceOne, bare: bareOne }, manyClients: { service: serviceMany, bare: bareMany } },
          storeHeadPosition: head,
        },
      };
    } finally {
      await service.close();
      await bare.close();
    }
  },
};
