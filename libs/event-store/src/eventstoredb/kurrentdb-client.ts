import { EventStoreDBClient } from '@eventstore/db-client';
import type { ServiceError } from '@grpc/grpc-js';
import { leaderOf, protocol, type AppendRecordsRequest, type AppendRecordsResponse } from './kurrentdb-v2';

/**
 * `@eventstore/db-client`'s client with KurrentDB's v2 `StreamsService.AppendRecords` added.
 * The call goes through the base client's `execute`, so it uses the same channel, discovery
 * (gossip, node preference), TLS and credentials as every other call, and is sent with
 * `requires-leader` like the client's own appends.
 *
 * A follower answers a v2 call that needs the leader with FAILED_PRECONDITION and the
 * leader in the status details, which the base client does not read; the error is given the
 * v1 `not-leader` trailers it does read, so it reconnects to that leader for the next call
 * (and the adapter reports this one as unavailable).
 */
export class KurrentDbClient extends EventStoreDBClient {
  /**
   * `EventStoreDBClient.connectionString` parses the string (hosts, TLS, certificates,
   * credentials) and constructs the base class by name, not `this`; its instance gets this
   * class's prototype. That keeps all its state: the base keeps it in instance properties
   * and private fields set by its constructor, none on the prototype. This class must
   * therefore declare no instance fields of its own.
   */
  static fromConnectionString(connectionString: string): KurrentDbClient {
    return Object.setPrototypeOf(EventStoreDBClient.connectionString(connectionString), KurrentDbClient.prototype) as KurrentDbClient;
  }

  /** One unary AppendRecords call; rejects with the gRPC ServiceError as it came. */
  appendRecords(request: AppendRecordsRequest): Promise<AppendRecordsResponse> {
    return this.execute(protocol().Client, 'appendRecords', (client) => {
      const [metadata, options] = this.callArguments({ requiresLeader: true });
      return new Promise<AppendRecordsResponse>((resolve, reject) => {
        client.AppendRecords(request, metadata, options, (error, response) => {
          if (error) reject(withLeaderRedirect(error));
          else if (response) resolve(response);
          else reject(new Error('AppendRecords answered with neither a response nor an error'));
        });
      });
    });
  }
}

function withLeaderRedirect(error: ServiceError): ServiceError {
  const leader = leaderOf(error);
  if (leader) {
    error.metadata.set('exception', 'not-leader');
    error.metadata.set('leader-endpoint-host', leader.host);
    error.metadata.set('leader-endpoint-port', String(leader.port));
  }
  return error;
}
