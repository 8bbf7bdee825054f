import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test, TestingModule } from '@nestjs/testing';
import { DomainError, streams } from '@samverkan/domain';
import { EventStore, RecordedEvent } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { newCommandContext } from '../command-path/command-context';
import { CommandResult } from '../command-path/command-result';
import { CommandsModule } from '../commands.module';
import { CorrectTransferCommand } from '../correct-transfer/correct-transfer.controller';
import { DissolveFederationCommand } from '../dissolve-federation/dissolve-federation.controller';
import { FormFederationCommand } from '../form-federation/form-federation.controller';
import { ProposeAgreementCommand } from '../propose-agreement/propose-agreement.controller';
import { ReferenceSeeder } from '../reference-seeding/reference-seeder';
import { SignAgreementCommand } from '../sign-agreement/sign-agreement.controller';
import { TransferServiceCommand } from './transfer-service.controller';
import { TestInfrastructure } from '../testing/test-infrastructure';

/**
 * Regression test for a race the race test (test/race.e2e-spec.ts) looks for: a transfer on a
 * service agreement provided by a federation reads that federation to check rule 3, but used
 * to lock only the agreement's stream. A dissolution of the federation could then be appended
 * between the transfer's read and its append, and the transfer was recorded on a basis no
 * longer in force ("a federation that provides under an agreement", rule 4).
 *
 * The store below makes that interleaving two ways: at an instance that reads the federation
 * (its state cache does not hold it), the read is handed back only once the dissolution has been
 * appended; at the instance whose cache holds the federation (and so reads nothing), the
 * transfer's append waits until the dissolution has been appended (or 500 ms have passed).
 */

const BUYER = '0580';
const OTHER_BUYER = '0581';
const MEMBERS = ['0513', '0562'];
const PROVIDER = 'payroll-federation';
const AGREEMENT = 'buys-from-federation';

/**
 * A store that holds one call: the next read of one stream (it reads, then waits before handing
 * the by then possibly stale events back), or the next append to one stream (it waits before
 * appending what was decided on what it knew), until another stream is appended to or 500 ms pass.
 */
class HoldingStore {
  private hold?: { kind: 'read' | 'append'; stream: string; release: () => void; released: Promise<void>; took: () => void };

  constructor(readonly inner: SqliteEventStore) {}

  /** Holds the next read of `stream`; resolves once that read has happened. */
  holdNextRead(stream: string): Promise<void> {
    return this.holdNext('read', stream);
  }

  /** Holds the next append to `stream`; resolves once that append has been asked for. */
  holdNextAppend(stream: string): Promise<void> {
    return this.holdNext('append', stream);
  }

  private holdNext(kind: 'read' | 'append', stream: string): Promise<void> {
    let release!: () => void;
    let took!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const taken = new Promise<void>((resolve) => (took = resolve));
    this.hold = { kind, stream, release, released, took };
    return taken;
  }

  /** Waits out the hold if this call is the held one. */
  private async held(kind: 'read' | 'append', stream: string): Promise<void> {
    const hold = this.hold;
    if (!hold || hold.kind !== kind || hold.stream !== stream) return;
    this.hold = undefined;
    setTimeout(hold.release, 500).unref();
    this.releases.push(hold.release);
    hold.took();
    await hold.released;
  }

  proxy(): EventStore {
    const inner = this.inner;
    return new Proxy(inner, {
      get: (target, property) => {
        if (property === 'readStream') {
          return async (stream: string, options?: object) => {
            const events = await inner.readStream(stream, options);
            await this.held('read', stream);
            return events;
          };
        }
        if (property === 'appendToStream') {
          return async (stream: string, ...rest: unknown[]) => {
            await this.held('append', stream);
            const result = await (inner.appendToStream as (...a: unknown[]) => Promise<unknown>).call(inner, stream, ...rest);
            // Any other append lets a held call go on.
            for (const release of this.releases.splice(0)) release();
            return result;
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Releases of held calls: the next append lets them go on. */
  private readonly releases: (() => void)[] = [];
}

describe('a transfer on an agreement provided by a federation, racing the dissolution of that federation', () => {
  let inner: SqliteEventStore;
  let holding: HoldingStore;
  let moduleRef: TestingModule;
  let bus: CommandBus;
  const run = (command: object): Promise<CommandResult> => bus.execute<object, CommandResult>(command);
  const ctx = () => newCommandContext({ actor: 'int-spec', source: 'transfer-basis-race.int.spec' });

  beforeEach(async () => {
    inner = SqliteEventStore.inMemory({ pollIntervalMs: 20 });
    holding = new HoldingStore(inner);
    moduleRef = await Test.createTestingModule({ imports: [CqrsModule.forRoot(), TestInfrastructure.with(holding.proxy()), CommandsModule] }).compile();
    await moduleRef.init();
    bus = moduleRef.get(CommandBus);
    await moduleRef.get(ReferenceSeeder).seed();
    await run(new FormFederationCommand({ id: PROVIDER, name: 'Payroll federation', form: 'federation', members: MEMBERS, serviceAreas: ['payroll'], decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' }, ctx()));
    await run(
      new ProposeAgreementCommand(
        {
          id: AGREEMENT,
          kind: 'service',
          title: 'Two municipalities buy payroll from a federation',
          parties: [BUYER, OTHER_BUYER],
          otherParties: [],
          provider: { kind: 'federation', id: PROVIDER },
          buyers: [BUYER, OTHER_BUYER],
          serviceAreas: ['payroll'],
          validFrom: '2010-01-01',
          councilApprovalRequired: false,
        },
        ctx(),
      ),
    );
    for (const party of [BUYER, OTHER_BUYER, PROVIDER]) await run(new SignAgreementCommand(AGREEMENT, { party, signedOn: '2009-11-01' }, ctx()));
  });

  afterEach(async () => {
    await moduleRef.close();
    await inner.close();
  });

  /** Transfers (and replacements) recorded after the dissolution, effective on or after its day: rule 3 forbids them. */
  async function transfersAfterTheDissolution(): Promise<RecordedEvent[]> {
    const log = await inner.readAll();
    const dissolved = log.find((e) => e.type === 'FederationDissolved');
    if (!dissolved) return [];
    const from = dissolved.data.effectiveFrom as string;
    return log.filter((e) => {
      const transfer = e.type === 'ServiceTransferred' ? e.data : e.type === 'CorrectionRecorded' ? (e.data.replacement as Record<string, unknown> | undefined) : undefined;
      return transfer !== undefined && e.position > dissolved.position && (transfer.effectiveFrom as string) >= from;
    });
  }

  /** Once `held` (the transfer's read of the federation) has happened, dissolves the federation: it goes ahead unless the transfer holds it off. */
  async function race(transfer: Promise<CommandResult>, held: Promise<void>): Promise<{ transfer: CommandResult | DomainError; dissolution: CommandResult }> {
    await held;
    const dissolution = run(new DissolveFederationCommand(PROVIDER, { decidedOn: '2019-06-01', effectiveFrom: '2020-01-01', successors: [] }, ctx()));
    const [t, d] = await Promise.all([transfer.catch((e: unknown) => {
      if (e instanceof DomainError) return e;
      throw e;
    }), dissolution]);
    return { transfer: t, dissolution: d };
  }

  /** Another instance of the write side on the same store: its state cache is empty. */
  async function anotherInstance(): Promise<(command: object) => Promise<CommandResult>> {
    const other = await Test.createTestingModule({ imports: [CqrsModule.forRoot(), TestInfrastructure.with(holding.proxy()), CommandsModule] }).compile();
    await other.init();
    others.push(other);
    const otherBus = other.get(CommandBus);
    return (command) => otherBus.execute<object, CommandResult>(command);
  }
  const others: TestingModule[] = [];
  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
  });

  const transferOnTheAgreement = (): TransferServiceCommand =>
    new TransferServiceCommand(BUYER, { serviceArea: 'payroll', basis: { kind: 'agreement', id: AGREEMENT }, decidedOn: '2019-12-01', effectiveFrom: '2020-06-01' }, ctx());

  async function correctionOntoTheAgreement(): Promise<CorrectTransferCommand> {
    const original = await run(new TransferServiceCommand(BUYER, { serviceArea: 'payroll', basis: { kind: 'in-house' }, decidedOn: '2019-01-01', effectiveFrom: '2019-02-01' }, ctx()));
    const [recorded] = await inner.readStream(original.stream, { direction: 'backwards', maxCount: 1 });
    return new CorrectTransferCommand(
      BUYER,
      {
        transferId: recorded.data.transferId as string,
        reason: 'It was bought from the federation',
        replacement: { serviceArea: 'payroll', basis: { kind: 'agreement', id: AGREEMENT }, decidedOn: '2019-12-01', effectiveFrom: '2020-06-01' },
      },
      ctx(),
    );
  }

  it('at an instance that reads the federation, never records the transfer after the dissolution it should have been refused by', async () => {
    const send = await anotherInstance();
    const held = holding.holdNextRead(streams.federation(PROVIDER));
    const outcome = await race(send(transferOnTheAgreement()), held);
    expect(outcome.dissolution.events.map((e) => e.type)).toEqual(['FederationDissolved']);
    expect(outcome.transfer).toBeInstanceOf(DomainError);
    expect(await transfersAfterTheDissolution()).toEqual([]);
  });

  it('at the instance that holds the federation in its cache, never records the transfer decided before the dissolution and appended after it', async () => {
    const held = holding.holdNextAppend(streams.municipality(BUYER));
    const outcome = await race(run(transferOnTheAgreement()), held);
    expect(outcome.dissolution.events.map((e) => e.type)).toEqual(['FederationDissolved']);
    expect(outcome.transfer).toBeInstanceOf(DomainError);
    expect(await transfersAfterTheDissolution()).toEqual([]);
  });

  it('at an instance that reads the federation, never records a correction whose replacement rests on the dissolved federation', async () => {
    const correction = await correctionOntoTheAgreement();
    const send = await anotherInstance();
    const held = holding.holdNextRead(streams.federation(PROVIDER));
    const outcome = await race(send(correction), held);
    expect(outcome.transfer).toBeInstanceOf(DomainError);
    expect(await transfersAfterTheDissolution()).toEqual([]);
  });

  it('at the instance that holds the federation in its cache, never records a correction decided before the dissolution and appended after it', async () => {
    const correction = await correctionOntoTheAgreement();
    const held = holding.holdNextAppend(streams.municipality(BUYER));
    const outcome = await race(run(correction), held);
    expect(outcome.transfer).toBeInstanceOf(DomainError);
    expect(await transfersAfterTheDissolution()).toEqual([]);
  });
});
