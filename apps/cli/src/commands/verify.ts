import { ExportVerifyReport, PublicKeyInfo, PublicKeyRing, VerifyReport, parsePublicKey, verifyExportFile, verifyStore } from '@samverkan/audit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliContext, count, json, note, out, progress, rate } from '../context';
import { ServiceClient, apiKey } from '../http';
import { CliError } from '../options';
import { logSource, pinnedKeys } from '../sources';

type Report = (VerifyReport | ExportVerifyReport) & { seconds: number };

/** `verify`: the whole log, from a store, an export file (offline), or a running service's export. */
export async function verifyCommand(ctx: CliContext): Promise<number> {
  const { options, io } = ctx;
  const expectCheckpoint = parseExpected(options.expectCheckpoint);
  const pinned = pinnedKeys(options);
  const bar = progress(ctx, 'verify');
  let report: Report;
  let source: string;
  let keyNote: string;
  try {
    if (options.file) {
      source = `the export ${resolve(options.file)}`;
      report = await verifyExportFile(resolve(options.file), { publicKeys: pinned, expectCheckpoint, onProgress: (p) => bar.update(p.bytes, p.totalBytes, p.events) });
      keyNote = describeKeys(report as ExportVerifyReport);
    } else if (options.url && !options.dataDir && !options.esdb) {
      const client = new ServiceClient(options.url, apiKey(options, io.env));
      source = `the export of ${options.url}`;
      const dir = mkdtempSync(join(tmpdir(), 'samverkan-verify-'));
      try {
        const file = join(dir, 'export.ndjson');
        note(ctx, `Downloading the export of ${options.url} …`);
        await client.download('/v1/audit/export', file);
        const keys = pinned ?? new PublicKeyRing((await client.get<{ trusted: PublicKeyInfo[] }>('/v1/audit/public-key')).trusted.map((k) => parsePublicKey(k.pem)));
        report = await verifyExportFile(file, { publicKeys: keys, expectCheckpoint, onProgress: (p) => bar.update(p.bytes, p.totalBytes, p.events) });
        keyNote = pinned ? 'signatures checked with the keys given (--public-key)' : `signatures checked with the keys ${options.url} publishes`;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else {
      const log = logSource(options, io.env);
      source = log.description;
      try {
        const keys = pinned ?? log.keysNearby();
        keyNote = pinned ? 'signatures checked with the keys given (--public-key)' : keys ? 'signatures checked with the public key in the data directory' : 'signatures NOT checked: no public key (give --public-key)';
        report = await verifyStore(log.store!, { publicKeys: keys, expectCheckpoint, onProgress: (p) => bar.update(p.position, p.head, p.events) });
      } finally {
        await log.close();
      }
    }
  } finally {
    bar.stop();
  }

  const eventsPerSecond = rate(report.checked, report.seconds);
  if (options.json) {
    json(ctx, { ...report, source, eventsPerSecond });
  } else {
    out(ctx, render(report, source, keyNote, eventsPerSecond));
  }
  return report.ok ? 0 : 1;
}

function parseExpected(value: string | undefined): { revision: number; hash?: string } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,9})(?::([0-9a-f]{64}))?$/.exec(value);
  if (!match) throw new CliError('--expect-checkpoint must be <revision> or <revision>:<hash> (the hash is hex SHA-256)', 2);
  return { revision: Number(match[1]), ...(match[2] ? { hash: match[2] } : {}) };
}

function describeKeys(report: ExportVerifyReport): string {
  switch (report.export.keySource) {
    case 'pinned':
      return 'signatures checked with the keys given (--public-key)';
    case 'export':
      return 'signatures checked with the key named in the export itself: this proves the file consistent, not who made it (pin the key with --public-key)';
    default:
      return 'signatures NOT checked: the export names no key';
  }
}

function render(report: Report, source: string, keyNote: string, eventsPerSecond: number): string {
  const lines: string[] = [];
  const cp = report.checkpoints;
  if (report.ok) {
    lines.push(`The log is intact: ${count(report.checked)} events in ${count(report.streams)} streams (${source}), checked in ${report.seconds.toFixed(2)} s (${count(eventsPerSecond)} events/s).`);
  } else {
    lines.push(`THE LOG IS BROKEN: ${count(report.problemCount)} problem${report.problemCount === 1 ? '' : 's'} in ${count(report.checked)} events (${source}).`);
    const first = report.firstBroken!;
    lines.push(`First broken place: ${first.kind}${where(first)}`);
    lines.push(`  ${first.detail}`);
    for (const p of report.problems.slice(1, 10)) lines.push(`  then ${p.kind}${where(p)}: ${p.detail}`);
    if (report.problemCount > 10) lines.push(`  … and ${count(report.problemCount - 10)} more (--json lists the first ${report.problems.length})`);
  }
  lines.push(`Checkpoints: ${cp.found} found, ${cp.compared} compared; ${keyNote}.`);
  if (cp.last) {
    lines.push(`The last good checkpoint is revision ${cp.last.revision} (signed ${cp.last.signedAt} with key ${cp.last.keyId}); it covers ${count(cp.last.events)} events up to position ${cp.last.covers}.`);
    if (cp.last.treeSize !== undefined) lines.push(`Its Merkle tree head (${count(cp.last.treeSize)} events, root ${cp.last.rootHash}) is the tree of the log's first ${count(cp.last.treeSize)} events.`);
    lines.push(`Note it down to detect its removal later: --expect-checkpoint ${cp.last.revision}:${cp.last.hash}`);
  }
  if (report.afterLastCheckpoint > 0) {
    const n = report.afterLastCheckpoint;
    lines.push(`${count(n)} event${n === 1 ? ' comes' : 's come'} after the last checkpoint: ${n === 1 ? 'its chain is' : 'their chains are'} checked, but only the next checkpoint will anchor ${n === 1 ? 'it' : 'them'}.`);
  }
  if (report.tree) lines.push(`Merkle tree of the whole log: ${count(report.tree.size)} events, root ${report.tree.root}.`);
  if ('export' in report) lines.push(`Export: ${report.export.complete ? 'complete' : 'INCOMPLETE'}, exported ${report.export.exportedAt} from the ${report.export.store} store, footer signature ${report.export.signature}.`);
  return lines.join('\n');
}

function where(p: { stream?: string; revision?: number; position?: number; eventId?: string; checkpoint?: { revision: number; covers: number } }): string {
  const parts = [
    p.stream !== undefined ? `${p.stream}${p.revision !== undefined ? ` revision ${p.revision}` : ''}` : undefined,
    p.position !== undefined ? `position ${p.position}` : undefined,
    p.eventId !== undefined ? `event ${p.eventId}` : undefined,
    p.checkpoint ? `against checkpoint ${p.checkpoint.revision} (covering position ${p.checkpoint.covers})` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? ` at ${parts.join(', ')}` : '';
}
