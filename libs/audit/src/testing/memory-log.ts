import type { EventMetadata, RecordedEvent } from '@samverkan/event-store';
import { randomUUID } from 'node:crypto';
import { ChainSealer } from '../chain/event-chain';
import { SigningKey } from '../signing/signing-key';
import { MerkleTree } from '../merkle';
import { formatCheckpoint, signNote } from '../note';
import { eventLeafHash } from '../tree/leaf';
import { CHECKPOINT_STREAM, checkpointEvent, signCheckpoint } from '../verification/checkpoint';
import { LogVerifier } from '../verification/log-verifier';

/**
 * A chained log in memory, for unit tests of the verifier: appends seal events exactly as
 * the command path does, positions increase by `step` (EventStoreDB's are not contiguous),
 * and `checkpoint()` signs the state as the service's checkpointer does.
 */
export class MemoryLog {
  readonly events: RecordedEvent[] = [];
  private readonly sealer = new ChainSealer();
  private readonly revisions = new Map<string, number>();
  private position = 0;
  private tick = Date.parse('2021-01-01T00:00:00Z');

  constructor(private readonly step = 1) {}

  append(stream: string, items: { type: string; data: Record<string, unknown> }[], meta: Partial<EventMetadata> = {}): RecordedEvent[] {
    const commandId = randomUUID();
    const recordedAt = new Date((this.tick += 60_000)).toISOString();
    const sealed = this.sealer.seal(
      stream,
      items.map((item) => ({
        id: randomUUID(),
        type: item.type,
        data: item.data,
        metadata: { commandId, correlationId: commandId, causationId: commandId, actor: 'tester', source: 'unit', recordedAt, schemaVersion: 1, ...meta },
      })),
    );
    return sealed.map((event) => this.store(stream, event));
  }

  /** Appends a signed checkpoint of everything so far, with its Merkle tree head and signed note as the service writes them (unless `tree` is false). */
  checkpoint(key: SigningKey, options: { tree?: boolean; origin?: string } = {}): RecordedEvent {
    const verifier = new LogVerifier({ tree: false });
    const tree = new MerkleTree();
    for (const event of this.events) {
      verifier.add(event);
      tree.append(eventLeafHash(event));
    }
    const state = verifier.state();
    const origin = options.origin ?? 'unit.invalid/register';
    const head = options.tree === false ? {} : { tree: { size: tree.size, root: tree.root().toString('base64') }, note: signNote(formatCheckpoint({ origin, treeSize: tree.size, rootHash: tree.root() }), [key.noteSigner(origin)]) };
    const data = signCheckpoint({ ...state, signedAt: new Date(this.tick).toISOString(), ...head }, key);
    const id = randomUUID();
    const [sealed] = this.sealer.seal(CHECKPOINT_STREAM, [checkpointEvent(data, { id, actor: 'samverkan', source: 'samverkan:audit', recordedAt: new Date((this.tick += 1000)).toISOString() })]);
    return this.store(CHECKPOINT_STREAM, sealed);
  }

  /** A deep copy to tamper with. */
  copy(): RecordedEvent[] {
    return structuredClone(this.events);
  }

  private store(stream: string, event: { id: string; type: string; data: Record<string, unknown>; metadata: EventMetadata }): RecordedEvent {
    const revision = (this.revisions.get(stream) ?? -1) + 1;
    this.revisions.set(stream, revision);
    this.position += this.step;
    const recorded: RecordedEvent = { ...structuredClone(event), stream, revision, position: this.position, created: new Date(this.tick).toISOString() };
    this.events.push(recorded);
    return recorded;
  }
}
