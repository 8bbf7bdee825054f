/**
 * `npm run bench:profile -- transfers|signatures`: the compiled service in its own process on a
 * fresh register, under the service step's command load (16 clients, BENCH_SECONDS, default 10),
 * run with `node --cpu-prof`. Prints the rate, the latency and the service's CPU per command,
 * and leaves the profile in PROF_DIR (default /tmp/samverkan-prof); `PROF=0` runs without it.
 * `PROF_DATA_DIR=<dir>` runs it on the register in that data directory instead (a history the
 * bench generated and kept with `BENCH_KEEP=1`; used in place, so the commands are added to it).
 * Sum self time per function with any cpuprofile viewer (Chrome DevTools, speedscope).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildService, freePort } from '../test/crash/service-process';
import { commandLoad } from './http/load';
import { formFederation, proposeAgreements } from './http/prepare';
import { ServiceChild } from './service/child';
import { Random } from './support/random';

async function main(): Promise<void> {
  const kind = process.argv[2] ?? 'transfers';
  if (kind !== 'transfers' && kind !== 'signatures') throw new Error(`usage: npm run bench:profile -- transfers|signatures (not '${kind}')`);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const profDir = process.env.PROF_DIR ?? join(tmpdir(), 'samverkan-prof');
  const built = await buildService('compiled');
  if (process.env.PROF !== '0') built.nodeArgs.unshift('--cpu-prof', `--cpu-prof-dir=${profDir}`);
  const given = process.env.PROF_DATA_DIR;
  const dataDir = given ?? mkdtempSync(join(tmpdir(), 'samverkan-profile-'));
  try {
    const head = given ? headPosition(join(given, 'events.sqlite')) : 0;
    const { service } = await ServiceChild.start({ built, port: await freePort(), dataDir, logLevel: 'warn', head, timeoutMs: 900_000 });
    // Stopped on every way out: a service left running would go on writing to the data directory.
    try {
      const random = new Random(1);
      const federation = await formFederation(service.url, random, given !== undefined);
      let spec: Record<string, unknown>;
      if (kind === 'transfers') {
        spec = { kind, federation: federation.id, members: federation.members, areas: federation.areas, from: federation.from, to: federation.to, seed: 4 };
      } else {
        const pool = await proposeAgreements(service.url, random, 'profile', Math.max(2_000, seconds * 3_000), 16);
        const poolFile = join(dataDir, 'signatures.json');
        writeFileSync(poolFile, JSON.stringify(pool.signatures));
        spec = { kind, poolFile };
      }
      const cpuBefore = service.cpuSeconds();
      const result = await commandLoad(kind, service.url, spec, seconds, 16);
      const cpu = service.cpuSeconds() - cpuBefore;
      await service.stop();
      console.log(JSON.stringify({ kind, okPerSecond: Math.round(result.okPerSecond), non2xx: result.non2xx, p50Ms: result.latencyMs.p50, p99Ms: result.latencyMs.p99, serviceCpuMsPerCommand: Number(((cpu * 1000) / result.ok).toFixed(3)), profileDir: process.env.PROF === '0' ? undefined : profDir }));
    } finally {
      await service.stop();
    }
  } finally {
    if (!given) rmSync(dataDir, { recursive: true, force: true });
    built.dispose();
  }
}

function headPosition(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return Number(db.prepare('SELECT COALESCE(MAX(position), 0) FROM events').pluck().get());
  } finally {
    db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
