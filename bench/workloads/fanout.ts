import { Logger } from '@nestjs/common';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { ProjectionRunner } from '@samverkan/projections';
import { DEFAULT_SUBSCRIPTION_SETTINGS, SubscriberRegistry } from '@samverkan/subscriptions';
import { ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { startApp } from '../../test/support/start-app';
import { BenchConfig } from '../config';
import { startBareServer } from '../http/bare-server';
import { formFederation } from '../http/prepare';
import { Row, mib, ms, rate, verdict } from '../report';
import { log, timed } from '../support/log';
import { Random } from '../support/random';
import { MiB, fullGc, tempDir } from '../support/runtime';
import { StepResult, Workload } from './workload';

/**
 * Step `fanout` (issue 6): the provisions feed with many subscribers while commands flow.
 *
 * The service (`startApp()` on a file-based SqliteEventStore) and a bare Fastify with the same
 * routes run in this process; the clients run in a child process (bench/fanout/client.js), so
 * their work does not share the service's event loop and their memory is not in its RSS.
 *
 * - F1/F2: `fanoutSubscribers` SSE subscribers on `GET /v1/subscriptions/provisions`, and
 *   transfers sent at `fanoutRate` a second for `seconds` (after a warm-up). Every subscriber
 *   must receive every acknowledged change (missing ones are counted and fail the row). The
 *   delay of each delivery is its receipt time minus the command's acknowledgement time on one
 *   clock (a change that arrives before the acknowledgement counts as 0). The baseline is the
 *   bare server's feed, which writes one frame to every stream before it answers.
 * - F3: memory per subscriber: the process's V8 heap (and RSS, in the note) with the subscribers
 *   connected, minus before they connected, both after a full GC, divided by their number; the
 *   bare server's streams are the baseline. RSS moves in pages and is noise at this size.
 * - F4: a stalled subscriber: one stream whose client never reads, while commands flow as fast
 *   as 8 clients can send them, until the service ends that stream (at most 30 s). The heap's
 *   growth over that run is compared with the growth over the same number of commands without
 *   the stalled subscriber (the read model and the change
 *   feed grow with every event either way). Flat: the difference is at most 16 MiB, and the
 *   stalled stream ends with a bounded queue (or is disconnected as a slow consumer).
 */

const CLIENT = resolve(__dirname, '../fanout/client.js');
const FEED = '/v1/subscriptions/provisions';
const P99_TARGET_MS = 50;
const FLAT_MIB = 16;
/** The stalled run stops when the service ends the stalled stream, or after this long. */
const STALL_LIMIT_SECONDS = 30;
/** The service's SSE buffer per subscriber (SAMVERKAN_SSE_BUFFER, left at its default here). */
const BUFFER = DEFAULT_SUBSCRIPTION_SETTINGS.sseBuffer;

type Message = { type: string; [key: string]: unknown };

/** The client process, one request at a time. */
class Client {
  private readonly child: ChildProcess;
  private waiting?: { expect: string; resolve: (m: Message) => void; reject: (e: Error) => void };

  constructor() {
    this.child = fork(CLIENT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: Message) => {
      const waiting = this.waiting;
      if (!waiting) return;
      this.waiting = undefined;
      if (message.type === 'error') waiting.reject(new Error(`fan-out client: ${String(message.message)}`));
      else if (message.type !== waiting.expect) waiting.reject(new Error(`fan-out client answered ${message.type}, expected ${waiting.expect}`));
      else waiting.resolve(message);
    });
    this.child.on('exit', (code) => this.waiting?.reject(new Error(`the fan-out client exited (${code})`)));
  }

  ask<T extends Message>(message: Message, expect: string): Promise<T> {
    return new Promise<Message>((resolve, reject) => {
      this.waiting = { expect, resolve, reject };
      this.child.send(message);
    }) as Promise<T>;
  }

  /** A message that expects no answer. */
  send(message: Message): void {
    this.child.send(message);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await this.ask({ type: 'close' }, 'closed').catch(() => this.child.kill());
  }
}

interface Driven extends Message {
  sent: number;
  acked: number;
  failed: number;
  failedStatuses: number[];
  subscribers: number;
  ended: number;
  sendSeconds: number;
  delivered: number;
  deliveredPerSecond: number;
  expected: number;
  missing: number;
  early: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; samples: number };
  ackMs: { p50: number; p99: number };
}

interface FanOut {
  memory: { rssPerSubscriber: number; heapPerSubscriber: number; before: NodeJS.MemoryUsage; connected: NodeJS.MemoryUsage };
  run: Driven;
}

export const fanoutWorkload: Workload = {
  step: 'fanout',
  title: 'Subscriptions: fan-out to many SSE subscribers',
  rows: [
    { id: 'F1', figure: 'Transfers delivered per second as provision changes to 100 SSE subscribers while transfers flow vs bare Fastify SSE broadcast', target: 'every change to every subscriber' },
    { id: 'F2', figure: 'Delivery delay, command acknowledgement → receipt, p99, 100 subscribers (ratio: p99 ÷ bare p99)', target: `p99 ≤ ${P99_TARGET_MS} ms` },
    { id: 'F3', figure: 'Memory per connected subscriber (V8 heap after a full GC) vs a bare Fastify SSE stream', target: '— (info)' },
    { id: 'F4', figure: 'Heap growth with a stalled subscriber vs the same load without it', target: `flat (≤ ${FLAT_MIB} MiB more)` },
  ],

  async run(config: BenchConfig): Promise<StepResult> {
    const subscribers = config.fanoutSubscribers;
    const seconds = config.seconds;
    const warm = config.warmupSeconds;
    const random = new Random(config.seed + 6);
    const dir = tempDir('fanout');
    const store = SqliteEventStore.open({ dataDir: dir });
    Logger.overrideLogger(['error']);
    const service = await startApp({ store, env: { SAMVERKAN_SSE_MAX_SUBSCRIBERS: String(subscribers + 10) } });
    const bare = await startBareServer();
    const client = new Client();
    try {
      const federation = await formFederation(service.url, random);
      const spec = (seed: number) => ({ kind: 'transfers', federation: federation.id, members: federation.members, areas: federation.areas, from: federation.from, to: federation.to, seed });
      const runner = service.app.get(ProjectionRunner);
      if (!(await runner.waitFor(await store.headPosition(), 60_000))) throw new Error('the read model did not catch up with the federation');

      const fanOut = async (label: string, url: string, seed: number): Promise<FanOut> => {
        fullGc();
        const before = process.memoryUsage();
        await client.ask({ type: 'subscribe', url, path: FEED, subscribers }, 'subscribed');
        fullGc();
        const connected = process.memoryUsage();
        if (warm > 0) {
          const bar = timed(`${label}: warm-up`, warm);
          await client.ask({ type: 'drive', url, rate: config.fanoutRate, seconds: warm, spec: spec(seed) }, 'driven');
          bar.stop();
        }
        const bar = timed(`${label}: ${subscribers} subscribers, ${config.fanoutRate} transfers/s`, seconds);
        const run = await client.ask<Driven>({ type: 'drive', url, rate: config.fanoutRate, seconds, spec: spec(seed + 1) }, 'driven');
        bar.stop();
        await client.ask({ type: 'unsubscribe' }, 'unsubscribed');
        log(
          `${label}: ${run.acked}/${run.sent} acknowledged, ${run.delivered.toLocaleString('en-US')} of ${run.expected.toLocaleString('en-US')} deliveries (${run.missing} missing, ${run.early} before the acknowledgement), delay p50 ${ms(run.latencyMs.p50 ?? NaN)} / p99 ${ms(run.latencyMs.p99 ?? NaN)} / max ${ms(run.latencyMs.max ?? NaN)}`,
        );
        return {
          memory: { rssPerSubscriber: (connected.rss - before.rss) / subscribers, heapPerSubscriber: (connected.heapUsed - before.heapUsed) / subscribers, before, connected },
          run,
        };
      };

      const bareFan = await fanOut('bare', bare.url, 100);
      const serviceFan = await fanOut('service', service.url, 200);
      await new Promise((r) => setTimeout(r, 200));
      const leftOpen = service.app.get(SubscriberRegistry).size;

      // ------------------------------------------------------------ F4: the stalled subscriber
      // First with the stalled subscriber, until the service ends its stream (or a time limit);
      // then the same number of commands without it.
      const registry = service.app.get(SubscriberRegistry);
      const flood = async (label: string, seed: number, limit: { seconds: number; count?: number }, stopWhen?: () => boolean) => {
        await runner.waitFor(await store.headPosition(), 60_000);
        fullGc();
        const before = process.memoryUsage().heapUsed;
        const bar = timed(label, limit.seconds);
        const poll = stopWhen
          ? setInterval(() => {
              if (stopWhen()) client.send({ type: 'stop' });
            }, 100)
          : undefined;
        const flooded = await client.ask<Message & { acked: number; failed: number }>({ type: 'flood', url: service.url, seconds: limit.seconds, count: limit.count, concurrency: 8, spec: spec(seed) }, 'flooded');
        if (poll) clearInterval(poll);
        bar.stop();
        await runner.waitFor(await store.headPosition(), 60_000);
        fullGc();
        return { acked: flooded.acked, failed: flooded.failed, sent: flooded.acked + flooded.failed, growth: process.memoryUsage().heapUsed - before };
      };
      await client.ask({ type: 'stall', url: service.url, path: FEED }, 'stalled');
      await new Promise((r) => setTimeout(r, 200));
      if (registry.size !== 1) throw new Error(`expected the stalled subscriber to be connected, ${registry.size} open`);
      const watched = registry.connections('provisions')[0];
      let endedWith: string | undefined;
      watched.onClose(() => (endedWith = watched.endedWith ?? 'client'));
      const stallSeconds = Math.max(seconds, STALL_LIMIT_SECONDS);
      const stalled = await flood('flood with a stalled subscriber', 400, { seconds: stallSeconds }, () => watched.closed);
      const stalledState = { open: !watched.closed, queued: watched.queued, peakQueued: watched.peakQueued, framesWritten: watched.framesWritten };
      const control = await flood('the same flood without it', 300, { seconds: stallSeconds * 2, count: stalled.sent });
      const sameLoad = control.growth * (stalled.acked / Math.max(1, control.acked));
      const excess = stalled.growth - sameLoad;
      const bounded = endedWith === 'slow-consumer' || stalledState.peakQueued <= BUFFER;
      log(
        `stalled: with the stalled subscriber ${stalled.acked} commands, heap +${mib(stalled.growth)}; without ${control.acked} commands, heap +${mib(control.growth)}; subscriber ${endedWith ? `ended (${endedWith}) after ${stalledState.framesWritten} frames` : `still open, ${stalledState.queued} queued (peak ${stalledState.peakQueued})`}`,
      );

      /** Acknowledged transfers received, per subscriber, per second of sending. */
      const reached = (r: Driven) => (r.expected - r.missing) / r.sendSeconds;
      const s = serviceFan.run;
      const b = bareFan.run;
      const complete = s.missing === 0 && s.acked > 0 && s.failed === 0;
      const rows: Row[] = [
        {
          ...this.rows[0],
          figure: `Transfers delivered per second as provision changes to ${subscribers} SSE subscribers (transfers × subscribers) while ${config.fanoutRate} transfers/s flow vs bare Fastify SSE broadcast`,
          measured: rate(reached(s), 'deliveries/s'),
          baseline: rate(reached(b), 'deliveries/s'),
          ratio: reached(s) / reached(b),
          result: verdict(complete),
          note: `service: ${s.acked.toLocaleString('en-US')} of ${s.sent.toLocaleString('en-US')} transfers acknowledged in ${s.sendSeconds.toFixed(1)} s (${s.failed} failed${s.failedStatuses.length ? `: ${s.failedStatuses.join(', ')}` : ''}), ${s.delivered.toLocaleString('en-US')} provision-changed messages delivered (${rate(s.deliveredPerSecond, '/s')}; a transfer changes one or more spans), each acknowledged transfer reached ${s.expected - s.missing} of ${s.expected} subscriber × transfer pairs, ${s.ended} streams ended early; command acknowledgement p50 ${ms(s.ackMs.p50)} / p99 ${ms(s.ackMs.p99)}; bare: ${b.delivered.toLocaleString('en-US')} frames, ${b.missing} missing`,
        },
        {
          ...this.rows[1],
          figure: `Delivery delay, command acknowledgement → receipt, p99, ${subscribers} subscribers (ratio: p99 ÷ bare p99)`,
          measured: `p50 ${ms(s.latencyMs.p50)} · p99 ${ms(s.latencyMs.p99)}`,
          baseline: `p50 ${ms(b.latencyMs.p50)} · p99 ${ms(b.latencyMs.p99)}`,
          ratio: s.latencyMs.p99 / Math.max(b.latencyMs.p99, 0.01),
          result: verdict(complete && s.latencyMs.p99 <= P99_TARGET_MS),
          note: `${s.latencyMs.samples.toLocaleString('en-US')} deliveries; p90 ${ms(s.latencyMs.p90)}, max ${ms(s.latencyMs.max)}; ${s.early.toLocaleString('en-US')} arrived before the command's acknowledgement (counted as 0 ms). bare: the frame is written to every stream just after the answer`,
        },
        {
          ...this.rows[2],
          measured: `${(serviceFan.memory.heapPerSubscriber / 1024).toFixed(1)} KiB heap`,
          baseline: `${(bareFan.memory.heapPerSubscriber / 1024).toFixed(1)} KiB heap`,
          ratio: bareFan.memory.heapPerSubscriber > 0 ? serviceFan.memory.heapPerSubscriber / bareFan.memory.heapPerSubscriber : null,
          result: 'info',
          note: `after a full GC, ${subscribers} subscribers connected minus none, divided by ${subscribers}; RSS per subscriber: service ${(serviceFan.memory.rssPerSubscriber / 1024).toFixed(1)} KiB, bare ${(bareFan.memory.rssPerSubscriber / 1024).toFixed(1)} KiB (RSS moves in whole pages and the allocator returns memory in its own time, so at this size it is noise; the heap is the figure); ${leftOpen} streams left open after the clients closed`,
        },
        {
          ...this.rows[3],
          measured: `+${mib(stalled.growth)} (${stalled.acked.toLocaleString('en-US')} commands)`,
          baseline: `+${mib(control.growth)} (${control.acked.toLocaleString('en-US')} commands)`,
          ratio: control.growth > 0 ? stalled.growth / control.growth : null,
          result: verdict(excess <= FLAT_MIB * MiB && bounded),
          note: `heap after a full GC; ${mib(Math.max(0, excess))} beyond what the same number of commands grew without it; the stalled subscriber ${endedWith ? `was ended (${endedWith}) after ${stalledState.framesWritten.toLocaleString('en-US')} frames had been written to its socket` : `was still open after ${stallSeconds} s with ${stalledState.queued} messages queued (peak ${stalledState.peakQueued}, buffer ${BUFFER}; the kernel's socket buffers held the rest)`}`,
        },
      ];
      return {
        rows,
        details: { subscribers, rate: config.fanoutRate, seconds, warmupSeconds: warm, bare: bareFan, service: serviceFan, leftOpen, stalled: { control, stalled, excess, endedWith, subscriber: stalledState } },
      };
    } finally {
      await client.close();
      await service.close();
      await bare.close();
    }
  },
};
