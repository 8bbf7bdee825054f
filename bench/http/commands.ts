import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchConfig } from '../config';
import { log } from '../support/log';
import { Random } from '../support/random';
import { LoadResult, commandLoad } from './load';
import { BenchFederation, proposeAgreements } from './prepare';

/**
 * The two command runs at 16 clients, each next to the bare route with the same requests: shared
 * by the http step (a service in the bench's process) and the service step (a child process).
 */

type RunConfig = Pick<BenchConfig, 'seconds' | 'warmupSeconds' | 'connections'>;

export interface TransferRuns {
  service: LoadResult;
  bare: LoadResult;
}

/** Transfers of the federation's members' charter areas to it: bare warm-up and run, then the service's. */
export async function transferRuns(serviceUrl: string, bareUrl: string, federation: BenchFederation, config: RunConfig, label = ''): Promise<TransferRuns> {
  const { seconds, warmupSeconds: warm, connections: clients } = config;
  const transfers = (seed: number) => ({ kind: 'transfers', federation: federation.id, members: federation.members, areas: federation.areas, from: federation.from, to: federation.to, seed });
  if (warm > 0) await commandLoad(`bare transfers${label} (warm-up)`, bareUrl, transfers(1), warm, clients);
  const bare = await commandLoad(`bare transfers${label}`, bareUrl, transfers(2), seconds, clients);
  if (warm > 0) await commandLoad(`service transfers${label} (warm-up)`, serviceUrl, transfers(3), warm, clients);
  const service = await commandLoad(`service transfers${label}`, serviceUrl, transfers(4), seconds, clients);
  return { service, bare };
}

export interface SignatureRuns {
  service: LoadResult;
  bare: LoadResult;
  pool: { warmUp: number; main: number; agreements: number; exhausted: boolean };
}

/**
 * Signatures of agreements proposed over HTTP first, each valid once. The pool must outlast the
 * run: it is sized from `estimate` (2xx/s, e.g. the transfer run's) and from the rate of a
 * warm-up on a smaller pool. `tag` keeps the agreement ids apart when one register is measured twice.
 */
export async function signatureRuns(serviceUrl: string, bareUrl: string, random: Random, dir: string, estimate: number, config: RunConfig, tag = '', label = ''): Promise<SignatureRuns> {
  const { seconds, warmupSeconds: warm, connections: clients } = config;
  let warmPool = 0;
  if (warm > 0) {
    const pool = await proposeAgreements(serviceUrl, random, `warm${tag}`, Math.max(2_000, Math.ceil(warm * Math.max(2_000, estimate * 2))), clients);
    const file = join(dir, `signatures-warm${tag}.json`);
    writeFileSync(file, JSON.stringify(pool.signatures));
    warmPool = pool.signatures.length;
    const warmed = await commandLoad(`service signatures${label} (warm-up)`, serviceUrl, { kind: 'signatures', poolFile: file }, warm, clients);
    estimate = Math.max(estimate, warmed.okPerSecond);
  }
  const poolSize = Math.ceil(Math.max(estimate, 200) * seconds * 2) + 1_000;
  const proposed = Date.now();
  const pool = await proposeAgreements(serviceUrl, random, `main${tag}`, poolSize, clients);
  log(`signature pool: ${pool.signatures.length.toLocaleString('en-US')} signatures of ${pool.agreements.toLocaleString('en-US')} agreements, proposed in ${((Date.now() - proposed) / 1000).toFixed(1)} s`);
  const poolFile = join(dir, `signatures${tag}.json`);
  writeFileSync(poolFile, JSON.stringify(pool.signatures));
  const signatures = { kind: 'signatures', poolFile };
  if (warm > 0) await commandLoad(`bare signatures${label} (warm-up)`, bareUrl, signatures, warm, clients);
  const bare = await commandLoad(`bare signatures${label}`, bareUrl, signatures, seconds, clients);
  const service = await commandLoad(`service signatures${label}`, serviceUrl, signatures, seconds, clients);
  const exhausted = service.ok + service.non2xx > pool.signatures.length;
  return { service, bare, pool: { warmUp: warmPool, main: pool.signatures.length, agreements: pool.agreements, exhausted } };
}

/** What went wrong in a run, for a row's note: non-2xx answers by status, errors, timeouts. */
export function describeNon2xx(r: { non2xx: number; errors: number; statusCodes: Record<string, number>; timeouts?: number }): string {
  const codes = Object.entries(r.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${n}×${code}`)
    .join(', ');
  const parts = [`non-2xx ${r.non2xx}${codes ? ` (${codes})` : ''}`];
  if (r.errors) parts.push(`errors ${r.errors}`);
  if (r.timeouts) parts.push(`timeouts ${r.timeouts}`);
  return parts.join(', ');
}
