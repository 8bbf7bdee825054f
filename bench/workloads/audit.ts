import { AuditKeys, Checkpointer, LogTree, MerkleTree, PublicKeyRing, SigningKey, exportLines, verifyExportFile, verifyStore } from '@samverkan/audit';
import * as crypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { runCli } from '../../apps/cli/src/cli';
import { Random } from '../support/random';
import { Clock } from '@samverkan/shared';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { replayLog } from '../../apps/cli/src/commands/replay';
import { embeddedSource } from '../../apps/cli/src/sources';
import { BenchConfig } from '../config';
import { embeddedHistory } from '../history/shared';
import { mib, rate, verdict } from '../report';
import { log, progress } from '../support/log';
import { fullGc } from '../support/runtime';
import { median, rawScan } from './rebuild';
import { StepResult, Workload } from './workload';

/**
 * Step `audit` (issue 5): what an auditor waits for, over the run's history (the one the
 * rebuild step reads, hash-chained as the service writes it) with one signed checkpoint
 * appended at its head, as the service's checkpoint timer would.
 *
 * - A1 `verify`: every stream's chain and the checkpoint's signature and stream heads, read
 *   from the embedded store (`verifyStore`, what `npm run cli -- verify` runs).
 * - A2 `replay`: every read model rebuilt from an empty state (`replayLog`, what
 *   `npm run cli -- replay` runs before it compares with the live service).
 * - A3 `verify --file`: the same check of an NDJSON export, offline (`verifyExportFile`);
 *   the export's own writing time is in the note.
 *
 * Baseline for all three: the raw scan of the same SQLite file with `JSON.parse` of data and
 * metadata, alternated with them trial by trial in this process; the figures are medians.
 */

interface AuditTrial {
  scanSeconds: number;
  verifySeconds: number;
  replaySeconds: number;
}

export const auditWorkload: Workload = {
  step: 'audit',
  title: 'Audit: verify and replay the whole log',
  rows: [
    { id: 'A1', figure: 'Verify the whole log (every hash chain, the Merkle tree, the signed checkpoint; `cli verify`) vs raw scan + JSON.parse', target: '≥ 0.5× (issue 16; was ≥ 100,000 events/s)' },
    { id: 'A2', figure: 'Replay: every read model rebuilt from an empty state (`cli replay`) vs raw scan + JSON.parse', target: '— (info)' },
    { id: 'A3', figure: 'Verify an NDJSON export offline (`cli verify --file`) vs raw scan + JSON.parse', target: '— (info)' },
    { id: 'A4', figure: 'Inclusion-proof verifications in `cli verify-inclusion` (10,000 proofs in the tree of the whole log, events from the export) vs raw SHA-256 of the same number of 65-byte nodes', target: '≥ 10,000 verifications/s' },
    { id: 'A5', figure: "The audit tree made from nothing (LogTree: every event's JCS leaf hashed) vs raw scan + JSON.parse", target: '— (info: a start-up without the tree file pays it once, in the background)' },
    { id: 'A6', figure: 'Tree appends: the last 10 % of the leaves vs the first 10 % (flat cost: ratio ≈ 1)', target: '≥ 0.8×' },
  ],

  async run(config: BenchConfig): Promise<StepResult> {
    const { dir, file, history } = await embeddedHistory(config);

    // ------------------------------------------------------------ the checkpoint, written by the service's own Checkpointer
    const signing = SigningKey.ephemeral();
    const publicKeys = new PublicKeyRing([signing.publicKey]);
    const origin = 'bench.invalid/register';
    const keys = { signing, trusted: publicKeys, origin, noteSigner: signing.noteSigner(origin) } as unknown as AuditKeys;
    const clock: Clock = { now: () => new Date() };
    const writer = SqliteEventStore.open({ dataDir: dir });
    const began = process.hrtime.bigint();
    const auditOptions = { dataDir: dir, checkpointIntervalMs: 0 };
    const tree = new LogTree(writer, keys, auditOptions);
    await tree.upToHead();
    const treeSeconds = Number(process.hrtime.bigint() - began) / 1e9;
    const outcome = await new Checkpointer(writer, clock, keys, auditOptions, tree).checkpoint('bench');
    const checkpointSeconds = Number(process.hrtime.bigint() - began) / 1e9 - treeSeconds;
    await tree.upToHead();
    const head = tree.latest();
    if (!head) throw new Error('the checkpoint carries no tree head');
    await writer.close();
    if (!outcome.written || !outcome.checkpoint) throw new Error('the checkpointer wrote no checkpoint over the generated history');
    const events = history.events + 1;
    log(`checkpoint ${outcome.checkpoint.revision} over ${outcome.checkpoint.events.toLocaleString('en-US')} events in ${outcome.checkpoint.streams} streams, written in ${checkpointSeconds.toFixed(2)} s`);

    // ------------------------------------------------------------ alternating trials
    const trials: AuditTrial[] = [];
    let verified: Awaited<ReturnType<typeof verifyStore>> | undefined;
    for (let trial = 1; trial <= config.rebuildTrials; trial++) {
      const suffix = config.rebuildTrials > 1 ? ` (trial ${trial}/${config.rebuildTrials})` : '';
      fullGc();
      const scanBar = progress(`raw scan + JSON.parse${suffix}`, events, 'events');
      const scan = rawScan(file, (n) => scanBar.update(n));
      scanBar.stop();
      if (scan.events !== events) throw new Error(`raw scan read ${scan.events} events, expected ${events}`);

      fullGc();
      const store = SqliteEventStore.open({ dataDir: dir });
      const verifyBar = progress(`verify${suffix}`, events, 'events');
      const report = await verifyStore(store, { publicKeys, onProgress: (p) => verifyBar.update(p.events) });
      verifyBar.stop();
      await store.close();
      if (!report.ok) throw new Error(`the generated log does not verify: ${report.firstBroken?.kind} ${report.firstBroken?.detail}`);
      if (report.checked !== events || report.checkpoints.compared !== 1) throw new Error(`verify checked ${report.checked} events and compared ${report.checkpoints.compared} checkpoints, expected ${events} and 1`);
      verified = report;

      fullGc();
      const source = embeddedSource(dir);
      const replayBar = progress(`replay${suffix}`, events, 'events');
      const replayed = await replayLog(source, { onProgress: (_done, _total, n) => replayBar.update(n) });
      replayBar.stop();
      await source.close();
      if (replayed.events !== events) throw new Error(`replay read ${replayed.events} events, expected ${events}`);
      // The checkpoint is the one event no read model applies.
      if (replayed.model.eventCount !== history.events) throw new Error(`the replayed read model applied ${replayed.model.eventCount} of the ${history.events} register events`);

      trials.push({ scanSeconds: scan.seconds, verifySeconds: report.seconds, replaySeconds: replayed.seconds });
      log(`trial ${trial}: raw scan ${rate(events / scan.seconds, 'events/s')}, verify ${rate(events / report.seconds, 'events/s')}, replay ${rate(events / replayed.seconds, 'events/s')}`);
    }

    // ------------------------------------------------------------ export, then verify it offline (once)
    const exportFile = join(dir, 'export.ndjson');
    const exportStore = SqliteEventStore.open({ dataDir: dir });
    const exportBar = progress('export NDJSON', events, 'events');
    const exportBegan = process.hrtime.bigint();
    await pipeline(Readable.from(exportLines(exportStore, { key: signing, exportedAt: new Date().toISOString(), onProgress: (p) => exportBar.update(p.events) })), createWriteStream(exportFile));
    const exportSeconds = Number(process.hrtime.bigint() - exportBegan) / 1e9;
    exportBar.stop();
    await exportStore.close();
    const exportBytes = statSync(exportFile).size;
    fullGc();
    const offlineBar = progress('verify --file', events, 'events');
    const offline = await verifyExportFile(exportFile, { publicKeys, onProgress: (p) => offlineBar.update(p.events) });
    offlineBar.stop();
    if (!offline.ok || offline.checked !== events || !offline.export.complete) throw new Error(`the export does not verify: ${offline.firstBroken?.detail ?? `checked ${offline.checked} of ${events}`}`);

    // ------------------------------------------------------------ inclusion proofs, verified by the CLI
    const random = new Random(config.seed + 16);
    const proofCount = 10_000;
    const proofs = Array.from({ length: proofCount }, () => {
      const leafIndex = random.int(0, head.size - 1);
      return { leafIndex, treeSize: head.size, hashes: tree.inclusionProof(leafIndex, head.size).map((h) => h.toString('base64')) };
    });
    const proofFile = join(dir, 'proofs.ndjson');
    writeFileSync(proofFile, proofs.map((p) => JSON.stringify(p)).join('\n'));
    const noteFile = join(dir, 'checkpoint.txt');
    writeFileSync(noteFile, head.note);
    let cliOut = '';
    const sink = (collect: boolean) => new Writable({ write: (chunk, _e, done) => ((collect ? (cliOut += String(chunk)) : undefined), done()) });
    const cliCode = await runCli(['verify-inclusion', '--checkpoint', noteFile, '--proof', proofFile, '--file', exportFile, '--note-key', keys.noteSigner.verifierKey, '--json', '--quiet'], { stdout: sink(true), stderr: sink(false), env: {} });
    const cliReport = JSON.parse(cliOut) as { ok: boolean; verified: number; seconds: number; verificationsPerSecond: number };
    if (cliCode !== 0 || !cliReport.ok || cliReport.verified !== proofCount) throw new Error(`cli verify-inclusion: exit ${cliCode}, ${cliOut.slice(0, 300)}`);
    // Baseline: the hashing a verification cannot avoid, one SHA-256 of 65 bytes per node on the path (and one for the leaf).
    const hashFn = (crypto as { hash?: (a: string, d: Buffer, e: 'buffer') => Buffer }).hash ?? ((a: string, d: Buffer) => crypto.createHash(a).update(d).digest());
    const node = Buffer.alloc(65, 1);
    const rawBegan = process.hrtime.bigint();
    for (const proof of proofs) for (let i = 0; i <= proof.hashes.length; i++) hashFn('sha256', node, 'buffer');
    const rawSeconds = Number(process.hrtime.bigint() - rawBegan) / 1e9;
    const proofHashes = proofs.reduce((sum, p) => sum + p.hashes.length, 0) / proofCount;

    // ------------------------------------------------------------ tree appends: first 10 % against the last 10 %
    const tenth = Math.max(1, Math.floor(head.size / 10));
    const leaves = Buffer.alloc(head.size * 32);
    for (let i = 0; i < head.size; i++) tree.leafAt(i).copy(leaves, i * 32);
    const copy = new MerkleTree();
    const timeAppends = (from: number, to: number) => {
      const t0 = process.hrtime.bigint();
      for (let i = from; i < to; i++) copy.append(leaves.subarray(i * 32, i * 32 + 32));
      return Number(process.hrtime.bigint() - t0) / 1e9;
    };
    const firstTenth = timeAppends(0, tenth);
    timeAppends(tenth, head.size - tenth);
    const lastTenth = timeAppends(head.size - tenth, head.size);
    if (!copy.root().equals(tree.root(head.size))) throw new Error('the tree made again from the leaves has another root');

    const scanRate = events / median(trials.map((t) => t.scanSeconds));
    const verifyRate = events / median(trials.map((t) => t.verifySeconds));
    const replayRate = events / median(trials.map((t) => t.replaySeconds));
    const offlineRate = events / offline.seconds;
    const n = events.toLocaleString('en-US');
    const perTrial = (pick: (t: AuditTrial) => number) => trials.map((t) => pick(t).toFixed(2)).join(', ');
    return {
      rows: [
        {
          ...this.rows[0],
          measured: rate(verifyRate, 'events/s'),
          baseline: rate(scanRate, 'events/s'),
          ratio: verifyRate / scanRate,
          result: verdict(verifyRate / scanRate >= 0.5),
          note: `${n} events in ${verified?.streams} streams, one signed checkpoint compared; median of ${trials.length} trials alternating with the raw scan (verify per trial: ${perTrial((t) => t.verifySeconds)} s)`,
        },
        {
          ...this.rows[1],
          measured: rate(replayRate, 'events/s'),
          baseline: rate(scanRate, 'events/s'),
          ratio: replayRate / scanRate,
          result: 'info',
          note: `${n} events read in pages of 5,000 (the CLI's) into a fresh RegisterReadModel; replay per trial: ${perTrial((t) => t.replaySeconds)} s`,
        },
        {
          ...this.rows[2],
          measured: rate(offlineRate, 'events/s'),
          baseline: rate(scanRate, 'events/s'),
          ratio: offlineRate / scanRate,
          result: 'info',
          note: `one run; the export (${mib(exportBytes)}, footer signed) was written in ${exportSeconds.toFixed(2)} s (${rate(events / exportSeconds, 'events/s')})`,
        },
        {
          ...this.rows[3],
          measured: rate(cliReport.verificationsPerSecond, 'verifications/s'),
          baseline: rate(proofCount / rawSeconds, 'verifications/s'),
          ratio: cliReport.verificationsPerSecond / (proofCount / rawSeconds),
          result: verdict(cliReport.verificationsPerSecond >= 10_000),
          note: `${proofCount.toLocaleString('en-US')} proofs of random leaves in the tree of ${head.size.toLocaleString('en-US')} events (${proofHashes.toFixed(1)} hashes a proof); the CLI's own timing of the verifications (leaf JCS, SHA-256, the RFC 9162 fold), after reading the files`,
        },
        {
          ...this.rows[4],
          measured: rate(events / treeSeconds, 'events/s'),
          baseline: rate(scanRate, 'events/s'),
          ratio: events / treeSeconds / scanRate,
          result: 'info',
          note: `${n} leaves in ${treeSeconds.toFixed(2)} s, read through the store in pages of 5,000`,
        },
        {
          ...this.rows[5],
          measured: rate(tenth / lastTenth, 'appends/s'),
          baseline: rate(tenth / firstTenth, 'appends/s'),
          ratio: firstTenth / lastTenth,
          result: verdict(firstTenth / lastTenth >= 0.8),
          note: `${tenth.toLocaleString('en-US')} appends of precomputed leaf hashes each (the hashing of interior nodes is all that is timed)`,
        },
      ],
      details: {
        events,
        tree: { seconds: treeSeconds, size: head.size, proofs: { count: proofCount, hashesPerProof: proofHashes, cli: cliReport, rawSeconds }, appends: { firstTenth, lastTenth, tenth } },
        checkpoint: { ...outcome.checkpoint, seconds: checkpointSeconds },
        trials,
        rawScan: { perSecond: scanRate },
        verify: { perSecond: verifyRate, streams: verified?.streams },
        replay: { perSecond: replayRate },
        export: { seconds: exportSeconds, bytes: exportBytes, perSecond: events / exportSeconds },
        verifyFile: { seconds: offline.seconds, perSecond: offlineRate },
      },
    };
  },
};
