import { randomUUID } from 'node:crypto';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { protocol, type AppendRecordsRequest, type AppendRecordsResponse } from '../../eventstoredb/kurrentdb-v2';
import { InMemoryLog } from './in-memory-log';
import type { AllSubscription } from './all-subscription';
import { streamsService, type DoubleMethod } from './streams-service';
import { appendRecords, type AppendRecordsRefusals } from './streams-v2';

export interface EventStoreDbDoubleOptions {
  /**
   * true (default): a 21.10+ server that advertises `Streams/BatchAppend` in
   * `ServerFeatures/GetSupportedMethods`, so the client appends through it.
   * false: an older server. `GetSupportedMethods` answers UNIMPLEMENTED (the client then
   * assumes an unknown version supporting nothing optional) and `BatchAppend` does not
   * exist, so the client appends through `Streams/Append`.
   */
  batchAppend?: boolean;
  /**
   * true (default): a KurrentDB 26.1 node, which also serves the v2
   * `kurrentdb.protocol.v2.streams.StreamsService/AppendRecords` (see `streams-v2`).
   * false: an older server, on which that service does not exist (UNIMPLEMENTED).
   */
  appendRecords?: boolean;
  /** Test knobs for AppendRecords' refusals. */
  appendRecordsRefusals?: AppendRecordsRefusals;
}

const SERVER_VERSION = { v1Only: '24.10.0', withAppendRecords: '26.1.0' };
const STATS_STREAM = '$stats-127.0.0.1:2113';
/**
 * A node writes `$statsCollected` every 30 s; the double writes one after every third
 * client write instead, so that system events sit between and after the clients' events
 * deterministically.
 */
const CLIENT_WRITES_PER_STATS_EVENT = 3;

/**
 * An in-process EventStoreDB for tests: a grpc-js server speaking the real wire protocol
 * (the service definitions and protobuf classes generated inside `@eventstore/db-client`)
 * over an in-memory log.
 *
 * - `start(port?)` binds 127.0.0.1 (an ephemeral port by default) and returns the port;
 *   connect with `esdb://127.0.0.1:<port>?tls=false`. The client calls nothing until the
 *   first operation.
 * - `stop()` kills the server the way a crash does: every open call is cut.
 * - `restart()` serves the same log on the same port again.
 *
 * Like a real node, the log holds system events (`$`-prefixed types in `$`-prefixed
 * streams: stream metadata, periodic stats) between the clients' ones, and it refuses to
 * read from a position that is not where a record starts.
 */
export class EventStoreDbDouble {
  private readonly log = new InMemoryLog();
  private readonly batchAppend: boolean;
  private readonly appendRecords: boolean;
  private readonly appendRecordsRefusals: AppendRecordsRefusals;
  private readonly calls = new Map<DoubleMethod, number>();
  private readonly subscriptions = new Set<AllSubscription>();
  private clientWrites = 0;
  private server: Server | undefined;
  private boundPort: number | undefined;

  constructor(options: EventStoreDbDoubleOptions = {}) {
    this.batchAppend = options.batchAppend ?? true;
    this.appendRecords = options.appendRecords ?? true;
    this.appendRecordsRefusals = options.appendRecordsRefusals ?? {};
    this.writeSystemEvent('$$' + STATS_STREAM, '$metadata', { $maxAge: 86_400 });
    this.writeStatsEvent();
    this.log.onAppend((written) => {
      if (!written[0].stream.startsWith('$') && ++this.clientWrites % CLIENT_WRITES_PER_STATS_EVENT === 0) this.writeStatsEvent();
    });
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error('The EventStoreDB double has not been started');
    return this.boundPort;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** How many calls of `method` the double has received since it was created. */
  callCount(method: DoubleMethod): number {
    return this.calls.get(method) ?? 0;
  }

  /** How many subscriptions are being served right now. */
  get activeSubscriptions(): number {
    return this.subscriptions.size;
  }

  async start(port = this.boundPort ?? 0): Promise<number> {
    if (this.server) throw new Error('The EventStoreDB double is already running');
    const server = new Server();
    server.addService(
      StreamsService,
      streamsService({
        log: this.log,
        batchAppend: this.batchAppend,
        countCall: (method) => this.countCall(method),
        subscriptions: this.subscriptions,
      }),
    );
    if (this.appendRecords) {
      server.addService(protocol().service, {
        AppendRecords: (call: ServerUnaryCall<AppendRecordsRequest, AppendRecordsResponse>, callback: sendUnaryData<AppendRecordsResponse>) => {
          this.countCall('AppendRecords');
          appendRecords(this.log, this.appendRecordsRefusals, call, callback);
        },
      });
    }
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) => {
        this.countCall('GetSupportedMethods');
        if (!this.batchAppend) return callback({ code: status.UNIMPLEMENTED, details: 'Method not found' });
        callback(null, supportedMethods(this.appendRecords));
      },
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.server = server;
    return this.boundPort;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const subscription of this.subscriptions) subscription.cancel();
    server.forceShutdown();
  }

  async restart(): Promise<number> {
    await this.stop();
    return this.start(this.boundPort);
  }

  /** Appends the `$statsCollected` event a node writes to its stats stream every 30 s. */
  writeStatsEvent(): void {
    this.writeSystemEvent(STATS_STREAM, '$statsCollected', { 'proc-id': process.pid, 'sys-cpu': 1.5 });
  }

  private writeSystemEvent(stream: string, type: string, data: unknown): void {
    this.log.append(stream, { kind: 'any' }, [
      {
        id: randomUUID(),
        type,
        contentType: 'application/json',
        data: Buffer.from(JSON.stringify(data)),
        customMetadata: new Uint8Array(),
      },
    ]);
  }

  private countCall(method: DoubleMethod): void {
    this.calls.set(method, this.callCount(method) + 1);
  }
}

/** What a node advertises for the methods the double implements; the client matches them case-insensitively. */
function supportedMethods(withAppendRecords: boolean): SupportedMethods {
  const method = (serviceName: string, methodName: string): SupportedMethod =>
    new SupportedMethod().setServiceName(serviceName).setMethodName(methodName);
  const methods = [
    method('event_store.client.streams.streams', 'read'),
    method('event_store.client.streams.streams', 'append'),
    method('event_store.client.streams.streams', 'batchappend'),
    method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
  ];
  if (withAppendRecords) methods.push(method('kurrentdb.protocol.v2.streams.streamsservice', 'appendrecords'));
  return new SupportedMethods()
    .setEventStoreServerVersion(withAppendRecords ? SERVER_VERSION.withAppendRecords : SERVER_VERSION.v1Only)
    .setMethodsList(methods);
}
