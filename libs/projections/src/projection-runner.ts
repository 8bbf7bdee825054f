import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore, RecordedEvent } from '@samverkan/event-store';
import { BehaviorSubject, Observable, Subject, Subscription, defer, filter, firstValueFrom, map, race, retry, take, timer } from 'rxjs';
import { AppliedEvent, decoded } from './decoded-event';
import { READ_MODEL_STATE_VERSION, RegisterReadModel } from './register-read-model';
import { EventFingerprint, ReadModelState, SnapshotParticipant } from './snapshots/snapshot-participant';

/** Sees every event the runner applies, decoded once (an event of a type this version does not know has `event` undefined). */
export type EventObserver = (event: AppliedEvent) => void;

/** The stream categories the register writes; nothing else is projected. */
export const REGISTER_STREAM_PREFIXES = ['municipality-', 'servicearea-', 'federation-', 'agreement-', 'study-'];

/**
 * Feeds the read models from the store's subscription, in log order, and keeps their
 * checkpoint (the position of the last event applied). On start it rebuilds from the log;
 * if the store goes away it resubscribes from the checkpoint, so nothing is applied twice
 * or skipped. Projections never throw: a failing observer is logged and counted.
 *
 * It also holds the snapshot participants (everything folded from the log in memory): their
 * states are taken and restored together, with the position they cover (see docs/snapshots.md).
 */
@Injectable()
export class ProjectionRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(ProjectionRunner.name);
  readonly model = new RegisterReadModel();
  private readonly progress = new BehaviorSubject<number>(0);
  private readonly appliedEvents = new Subject<AppliedEvent>();
  private readonly observers: EventObserver[] = [];
  private readonly participants: SnapshotParticipant[] = [];
  /** The last register event applied (the event itself, or the fingerprint restored): what a snapshot covers. */
  private lastEvent?: EventFingerprint;
  private eventsFolded = 0;
  private appliedHere = 0;
  private subscription?: Subscription;
  private lastAppliedAtMs = Date.now();
  private failures = 0;
  private connected = false;
  private live = false;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.participants.push({ name: 'register-read-model', version: READ_MODEL_STATE_VERSION, exportState: () => this.model.exportState(), importState: (state) => this.model.importState(state) });
  }

  /** Every event once it is applied, decoded (for live subscriptions). */
  get applied$(): Observable<AppliedEvent> {
    return this.appliedEvents.asObservable();
  }

  get position(): number {
    return this.progress.value;
  }

  get observerFailures(): number {
    return this.failures;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** True once the subscription first caught up with the log: later events are live, earlier ones were catch-up. */
  get isLive(): boolean {
    return this.live;
  }

  /** Register events applied by this process (not those restored from a snapshot). */
  get appliedCount(): number {
    return this.appliedHere;
  }

  /** When the last event was applied (epoch ms). */
  get lastAppliedAt(): number {
    return this.lastAppliedAtMs;
  }

  /** Called for every event before it is announced (e.g. the idempotency index). */
  addObserver(observer: EventObserver): void {
    this.observers.push(observer);
  }

  /** Adds a state to snapshots; before start(). */
  addParticipant(participant: SnapshotParticipant): void {
    if (this.subscription) throw new Error(`Snapshot participant ${participant.name} added after the runner started`);
    if (this.participants.some((p) => p.name === participant.name)) throw new Error(`Two snapshot participants are named ${participant.name}`);
    this.participants.push(participant);
  }

  get snapshotParticipants(): readonly SnapshotParticipant[] {
    return this.participants;
  }

  /**
   * Every participant's state and the position it covers, in one synchronous step (so all
   * cover the same events). Undefined before any register event was applied.
   */
  captureState(): ReadModelState | undefined {
    if (!this.lastEvent) return undefined;
    const { id, stream, revision, position, type, created } = this.lastEvent;
    const states: Record<string, unknown> = {};
    for (const participant of this.participants) states[participant.name] = participant.exportState();
    return { position, last: { id, stream, revision, position, type, created }, events: this.eventsFolded, states };
  }

  /**
   * Restores the participants from a snapshot before start(), which then subscribes after its
   * position. Throws if a participant's state is missing or refused; the caller then restores
   * the blank states taken before.
   */
  restoreState(state: ReadModelState): void {
    if (this.subscription) throw new Error('A snapshot can only be restored before the runner starts');
    for (const participant of this.participants) {
      if (!(participant.name in state.states)) throw new Error(`the snapshot has no state for ${participant.name}`);
      participant.importState(state.states[participant.name]);
    }
    this.lastEvent = state.last;
    this.eventsFolded = state.events;
    this.progress.next(state.position);
  }

  /** Subscribes from the checkpoint; resolves once caught up with the log. */
  start(): Promise<void> {
    const caughtUp = new Subject<void>();
    this.subscription = defer(() => this.store.subscribeToAll({ after: this.position || undefined, filter: { streamPrefixes: REGISTER_STREAM_PREFIXES } }))
      .pipe(
        retry({
          delay: (error: unknown, attempt) => {
            this.connected = false;
            this.logger.warn(`Projection subscription lost (${String(error)}); resuming from ${this.position}`);
            return timer(Math.min(250 * 2 ** attempt, 5000));
          },
        }),
      )
      .subscribe((message) => {
        this.connected = true;
        if (message.kind === 'event') {
          this.applyOne(message.event);
          return;
        }
        // The subscription examined the log up to here; events it filtered out (audit checkpoints) count as read.
        if (message.position > this.position) this.progress.next(message.position);
        if (message.kind === 'caught-up') {
          this.live = true;
          caughtUp.next();
        }
      });
    return firstValueFrom(caughtUp);
  }

  /** Decodes the event once and hands it, decoded, to the read model, the observers and `applied$`. */
  private applyOne(recorded: RecordedEvent): void {
    if (recorded.position <= this.position) return;
    const event = decoded(recorded);
    try {
      this.model.apply(event);
    } catch (error) {
      this.failures++;
      this.logger.error(`Read model failed on ${event.type} at ${event.position}: ${String(error)}`);
    }
    for (const observer of this.observers) {
      try {
        observer(event);
      } catch (error) {
        this.failures++;
        this.logger.error(`Observer failed on ${event.type} at ${event.position}: ${String(error)}`);
      }
    }
    this.lastEvent = event;
    this.eventsFolded++;
    this.appliedHere++;
    this.lastAppliedAtMs = Date.now();
    this.progress.next(event.position);
    this.appliedEvents.next(event);
  }

  /** Read-your-writes: resolves true once the read models reached `position`, false after `timeoutMs`. */
  async waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return true;
    return firstValueFrom(
      race(
        this.progress.pipe(
          filter((p) => p >= position),
          take(1),
          map(() => true),
        ),
        timer(timeoutMs).pipe(map(() => false)),
      ),
    );
  }

  /** The position of the first event the read models still have to apply, if any (events of other streams do not count). */
  private async nextPending(): Promise<number | undefined> {
    const [next] = await this.store.readAll({ after: this.position || undefined, maxCount: 1, filter: { streamPrefixes: REGISTER_STREAM_PREFIXES } });
    return next?.position;
  }

  /** Resolves once every register event in the log has been applied (false after `timeoutMs`). */
  async settle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (let pending = await this.nextPending(); pending !== undefined; pending = await this.nextPending()) {
      if (!(await this.waitFor(pending, Math.max(0, deadline - Date.now())))) return false;
    }
    return true;
  }

  /** How far behind the log the read models are. */
  async lag(): Promise<{ position: number; head: number; lagMs: number }> {
    const head = await this.store.headPosition();
    const behind = head > this.position && (await this.nextPending()) !== undefined;
    return { position: this.position, head, lagMs: behind ? Date.now() - this.lastAppliedAtMs : 0 };
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
    this.appliedEvents.complete();
  }
}
