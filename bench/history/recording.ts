import { ChainSealer } from '@samverkan/audit';
import { CommandContext, SAMVERKAN_NAMESPACE, newCommandContext, toEventsToAppend } from '@samverkan/commands';
import { EventStore, EventToAppend, ExpectedRevision } from '@samverkan/event-store';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { Random } from '../support/random';

/**
 * The register's clock as the synthetic history sees it: `recordedAt` increases with every
 * command, in commit order, across the years the history spans (as SystemClock guarantees live).
 */
export class RecordingClock {
  private t: number;
  private readonly step: number;

  constructor(from: string, to: string, commands: number) {
    this.t = Date.parse(from);
    this.step = Math.max(1, Math.floor((Date.parse(to) - this.t) / Math.max(1, commands)));
  }

  /** The next command's instant. */
  tick(): string {
    this.t += this.step;
    return new Date(this.t).toISOString();
  }

  peek(): string {
    return new Date(this.t).toISOString();
  }
}

/** Who sends commands: API key names and source systems, some with an Idempotency-Key, as the service would record them. */
const ACTORS = ['anonymous', 'anonymous', 'diariet-linkoping', 'diariet-norrkoping', 'skr-integration', 'lansstyrelsen-import', 'registrator-umea', 'registrator-lulea'];
const SOURCES = ['unknown', 'Platina', 'W3D3', 'Ciceron', 'Public 360', 'samverkan-ui', 'Evolution'];

/**
 * A command context exactly as the HTTP layer builds it (`newCommandContext`): a random
 * command id, or one derived from the Idempotency-Key together with the request's hash.
 */
export function commandContext(random: Random, request: { method: string; path: string; body: unknown }): CommandContext {
  const source = random.pick(SOURCES);
  const withKey = random.chance(0.4);
  return newCommandContext({
    actor: random.pick(ACTORS),
    source,
    ...(withKey ? { idempotencyKey: `${source.toLowerCase().replace(/\s+/g, '-')}:${randomUUID()}`, request } : {}),
  });
}

/** The context the reference seeder uses (fixed command ids, so a restart registers nothing twice). */
export function seederContext(purpose: string): CommandContext {
  const commandId = uuidv5(purpose, SAMVERKAN_NAMESPACE);
  return { commandId, correlationId: commandId, causationId: commandId, actor: 'samverkan', source: 'samverkan:reference-data' };
}

/** Decided events exactly as CommandPath appends them. */
export const toAppend = toEventsToAppend;

/**
 * Appends through the store with the expected revision of each stream, as the command path
 * does, each batch sealed into its stream's hash chain (so the log verifies, as the
 * service's own would).
 */
export class StoreSink {
  private readonly revisions = new Map<string, number>();
  private readonly sealer = new ChainSealer();
  appended = 0;
  appendCalls = 0;

  constructor(private readonly store: EventStore) {}

  async append(stream: string, events: EventToAppend[]): Promise<void> {
    if (events.length === 0) return;
    const current = this.revisions.get(stream);
    const expectedRevision: ExpectedRevision = current === undefined ? 'no-stream' : current;
    const result = await this.store.appendToStream(stream, this.sealer.seal(stream, events), { expectedRevision });
    this.revisions.set(stream, result.nextRevision);
    this.appended += events.length;
    this.appendCalls++;
  }
}
