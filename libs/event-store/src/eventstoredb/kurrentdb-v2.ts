/**
 * KurrentDB's v2 streams protocol, as far as the adapter uses it: `StreamsService.AppendRecords`
 * (KurrentDB 26.1 and later), its error details and the gRPC status that carries them. The
 * messages are described in ./proto (our own interface description of the server's files)
 * and loaded with @grpc/proto-loader: field names as in the .proto files (keepCase), 64-bit
 * integers as decimal strings, enums by name, oneofs named, and `google.protobuf.Any`
 * details decoded into `{ '@type': …, ...fields }` when their type is one of ours.
 */
import { join } from 'node:path';
import { makeGenericClientConstructor, status, type ChannelCredentials, type Client, type ClientOptions, type ClientUnaryCall, type Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import { loadSync, type MessageTypeDefinition, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';

/** Copied next to the compiled files by the build (nest-cli.json assets). */
const PROTO_FILES = ['kurrentdb-v2-streams.proto', 'kurrentdb-v2-streams-errors.proto', 'kurrentdb-v2-rpc-errors.proto', 'google-rpc-status.proto'];

/** `expected_state` of a check, and the states a violation reports. */
export const STREAM_STATE = { noStream: '-1', exists: '-4' } as const;

/** The trailer that carries a google.rpc.Status (the richer error model). */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

export interface AppendRecord {
  record_id: string;
  stream: string;
  schema: { format: 'SCHEMA_FORMAT_JSON'; name: string };
  data: Uint8Array;
  /** google.protobuf.Value in protobufjs's object form. */
  properties: Record<string, { stringValue: string }>;
}

export interface StreamStateCheck {
  stream: string;
  /** A revision, or STREAM_STATE.noStream / exists. */
  expected_state: string;
}

export interface AppendRecordsRequest {
  records: AppendRecord[];
  checks: Array<{ stream_state: StreamStateCheck }>;
}

export interface AppendRecordsResponse {
  revisions: Array<{ stream: string; revision: string }>;
  position: string;
}

export interface StreamStateViolation {
  stream: string;
  expected_state: string;
  /** A revision, or -1 (not found), -5 (deleted), -6 (tombstoned). */
  actual_state: string;
}

export interface ConsistencyViolation {
  check_index: number;
  stream_state?: StreamStateViolation | null;
}

export const TYPE_URL_PREFIX = 'type.googleapis.com/';
export const VIOLATION_DETAILS = 'kurrentdb.protocol.v2.streams.errors.AppendConsistencyViolationErrorDetails';
export const NOT_LEADER_DETAILS = 'kurrent.rpc.NotLeaderNodeErrorDetails';

/** A decoded google.rpc.Status detail: ours by `@type`, anything else as its raw Any. */
export type StatusDetail =
  | { '@type': `${typeof TYPE_URL_PREFIX}${typeof VIOLATION_DETAILS}`; violations: ConsistencyViolation[] }
  | { '@type': `${typeof TYPE_URL_PREFIX}${typeof NOT_LEADER_DETAILS}`; current_leader?: { host: string; port: number } | null }
  | { '@type'?: undefined; type_url: string; value: Uint8Array };

export interface RpcStatus {
  code: number;
  message: string;
  details: StatusDetail[];
}

/** The generated client's one method; grpc-js names it as the .proto does. */
export interface StreamsServiceClient extends Client {
  AppendRecords(
    request: AppendRecordsRequest,
    metadata: Metadata,
    options: CallOptions,
    callback: (error: ServiceError | null, response?: AppendRecordsResponse) => void,
  ): ClientUnaryCall;
}

export type StreamsServiceClientConstructor = new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>) => StreamsServiceClient;

interface Protocol {
  definitions: PackageDefinition;
  service: ServiceDefinition;
  Client: StreamsServiceClientConstructor;
}

let loaded: Protocol | undefined;

/** Loaded on first use, once per process. */
export function protocol(): Protocol {
  if (loaded) return loaded;
  const definitions = loadSync(
    PROTO_FILES.map((file) => join(__dirname, 'proto', file)),
    { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, json: true },
  );
  const service = definitions['kurrentdb.protocol.v2.streams.StreamsService'] as ServiceDefinition;
  // grpc-js's generic client has one method per rpc; its type only says "functions", so it is named here.
  const Client = makeGenericClientConstructor(service, 'StreamsService') as unknown as StreamsServiceClientConstructor;
  loaded = { definitions, service, Client };
  return loaded;
}

/** A message type of ours, to encode or decode it (the double encodes what the adapter decodes). */
export function messageType<T extends object>(name: string): MessageTypeDefinition<T, T> {
  const definition = protocol().definitions[name];
  if (definition?.format !== 'Protocol Buffer 3 DescriptorProto') throw new TypeError(`${name} is not a message of the KurrentDB v2 protocol files`);
  // The type parameter names the shape of the message in proto-loader's object form; the .proto file is its truth.
  return definition as unknown as MessageTypeDefinition<T, T>;
}

/** The google.rpc.Status in a gRPC error's trailers, if it has one that decodes. */
export function rpcStatusOf(error: ServiceError): RpcStatus | undefined {
  const [bytes] = error.metadata?.get(STATUS_DETAILS_KEY) ?? [];
  if (!(bytes instanceof Buffer)) return undefined;
  try {
    return messageType<RpcStatus>('google.rpc.Status').deserialize(bytes);
  } catch {
    return undefined;
  }
}

/** The consistency violations a FAILED_PRECONDITION carries, or undefined when it carries none that decode. */
export function violationsOf(error: ServiceError): StreamStateViolation[] | undefined {
  if (error.code !== status.FAILED_PRECONDITION) return undefined;
  for (const detail of rpcStatusOf(error)?.details ?? []) {
    if (detail['@type'] === `${TYPE_URL_PREFIX}${VIOLATION_DETAILS}`) {
      return detail.violations.flatMap((violation) => (violation.stream_state ? [violation.stream_state] : []));
    }
  }
  return undefined;
}

/** The leader a follower names when it refuses a request that needs the leader. */
export function leaderOf(error: ServiceError): { host: string; port: number } | undefined {
  if (error.code !== status.FAILED_PRECONDITION) return undefined;
  for (const detail of rpcStatusOf(error)?.details ?? []) {
    if (detail['@type'] === `${TYPE_URL_PREFIX}${NOT_LEADER_DETAILS}` && detail.current_leader) return detail.current_leader;
  }
  return undefined;
}
