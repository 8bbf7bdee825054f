import { Logger } from '@nestjs/common';
import { ProjectionRunner } from '../projection-runner';
import { ReadModelSnapshots } from './read-model-snapshots';

export interface SnapshotPolicy {
  /** A snapshot is due once this many register events were applied since the last one. */
  every: number;
  /** ...and no event was applied for this long (taking a snapshot blocks the event loop briefly). */
  idleMs: number;
}

/** A start-up that applied at least this many events (or `every`, if smaller) writes a snapshot right after. */
export const STARTUP_TAIL = 10_000;

/**
 * Whether a snapshot is due: `every` events since the last one and the service idle a moment;
 * under load that never pauses, once twice as many have accumulated, so the tail a restart
 * replays stays bounded.
 */
export function snapshotDue(policy: SnapshotPolicy, since: number, idleForMs: number): boolean {
  if (policy.every <= 0 || since < policy.every) return false;
  return idleForMs >= policy.idleMs || since >= 2 * policy.every;
}

/** When to write: after a long start-up tail, when due (checked every second), and on shutdown. */
export class SnapshotSchedule {
  private readonly logger = new Logger('Snapshots');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly snapshots: ReadModelSnapshots,
    private readonly runner: ProjectionRunner,
    private readonly policy: SnapshotPolicy,
    private readonly checkEveryMs = 1000,
  ) {}

  /** Called once the read models caught up at start-up; never waits for a write. */
  start(): void {
    if (this.snapshots.appliedSinceSnapshot >= Math.min(STARTUP_TAIL, this.policy.every)) void this.snapshots.write();
    this.timer = setInterval(() => this.check(), this.checkEveryMs);
    this.timer.unref();
  }

  private check(): void {
    if (this.snapshots.isWriting) return;
    if (snapshotDue(this.policy, this.snapshots.appliedSinceSnapshot, Date.now() - this.runner.lastAppliedAt)) void this.snapshots.write();
  }

  /**
   * On graceful shutdown: a last snapshot if anything was applied since the previous one, waiting
   * at most `timeoutMs` (an unfinished write leaves the previous file, and its temporary file is
   * removed at the next start).
   */
  async stop(timeoutMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.snapshots.isWriting && this.snapshots.appliedSinceSnapshot === 0) return;
    const pending = (async () => {
      // A write in progress may have taken its states before the last events: then one more.
      if (this.snapshots.isWriting) await this.snapshots.write();
      if (this.snapshots.appliedSinceSnapshot > 0) await this.snapshots.write();
    })();
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      pending.then(() => false),
      new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timeout);
    if (timedOut) this.logger.warn(`The shutdown snapshot did not finish within ${timeoutMs} ms; the previous one stays`);
  }
}
