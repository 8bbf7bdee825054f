import {
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { AllSubscription } from './all-subscription';
import type { InMemoryLog } from './in-memory-log';
import { append, batchAppend } from './streams-append';
import { read } from './streams-read';

/** The gRPC method names the double counts calls of. */
export type DoubleMethod = 'GetSupportedMethods' | 'Read' | 'Append' | 'BatchAppend' | 'AppendRecords';

export interface StreamsServiceContext {
  log: InMemoryLog;
  /** Whether `Streams/BatchAppend` exists (EventStoreDB 21.10 and later). */
  batchAppend: boolean;
  /** Records a call to a method of the double, by its gRPC method name. */
  countCall(method: DoubleMethod): void;
  /** Subscriptions that are running, so the double can end them when it stops. */
  subscriptions: Set<AllSubscription>;
}

/**
 * The `event_store.client.streams.Streams` service: `Read` (reads and subscriptions),
 * `Append` (client streaming) and, when enabled, `BatchAppend` (bidirectional). Methods
 * left out of the implementation answer UNIMPLEMENTED, as grpc-js does by default.
 */
export function streamsService(context: StreamsServiceContext): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {
    read: (call: ServerWritableStream<ReadReq, ReadResp>) => {
      context.countCall('Read');
      void read(context.log, context.subscriptions, call);
    },
    append: (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) => {
      context.countCall('Append');
      append(context.log, call, callback);
    },
  };
  if (context.batchAppend) {
    implementation.batchAppend = (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
      context.countCall('BatchAppend');
      batchAppend(context.log, call);
    };
  }
  return implementation;
}
