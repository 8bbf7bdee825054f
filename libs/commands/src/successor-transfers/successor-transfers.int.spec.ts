import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test, TestingModule } from '@nestjs/testing';
import { streams } from '@samverkan/domain';
import { EventStore, RecordedEvent, SubscribeOptions } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { newCommandContext } from '../command-path/command-context';
import { CommandsModule } from '../commands.module';
import { DissolveFederationCommand } from '../dissolve-federation/dissolve-federation.controller';
import { FormFederationCommand } from '../form-federation/form-federation.controller';
import { ReferenceSeeder } from '../reference-seeding/reference-seeder';
import { TestInfrastructure } from '../testing/test-infrastructure';
import { TransferServiceCommand } from '../transfer-service/transfer-service.controller';
import { UseCaseTools } from '../use-case';
import { SuccessorTransfers } from './successor-transfers';

const A = '0580';
const B = '0581';
const FEDERATION = 'payroll-federation';

/**
 * The successor process manager (rule 5) as any instance runs it: a dissolution whose deciding
 * command died after its append, before its successors, has them recorded by a manager that
 * follows the log, once, however many managers run; a manager resumes after its checkpoint.
 */
describe('successor transfers after a crash, from the log', () => {
  let inner: SqliteEventStore;
  let moduleRef: TestingModule;
  let bus: CommandBus;
  /** While set, an append to a municipality's stream fails as if the process had died there. */
  let dying = false;
  const subscriptions: (SubscribeOptions | undefined)[] = [];

  const ctx = () => newCommandContext({ actor: 'int-spec', source: 'successor-transfers.int.spec' });
  const successorsOf = async (dissolution: RecordedEvent): Promise<RecordedEvent[]> =>
    (await inner.readStream(streams.municipality(A))).filter((e) => e.type === 'ServiceTransferred' && e.metadata.causationId === dissolution.id);
  const until = async (condition: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 200 && !(await condition()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  beforeEach(async () => {
    inner = SqliteEventStore.inMemory({ pollIntervalMs: 10 });
    dying = false;
    subscriptions.length = 0;
    const store = new Proxy(inner, {
      get: (target, property) => {
        if (property === 'appendToStream') {
          return (stream: string, ...rest: Parameters<EventStore['appendToStream']> extends [string, ...infer R] ? R : never) => {
            if (dying && stream.startsWith('municipality-')) return Promise.reject(new Error('the process died here'));
            return target.appendToStream(stream, ...rest);
          };
        }
        if (property === 'subscribeToAll') {
          return (options?: SubscribeOptions) => {
            subscriptions.push(options);
            return target.subscribeToAll(options);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    moduleRef = await Test.createTestingModule({ imports: [CqrsModule.forRoot(), TestInfrastructure.with(store), CommandsModule] }).compile();
    await moduleRef.init();
    bus = moduleRef.get(CommandBus);
    await moduleRef.get(ReferenceSeeder).seed();
    await bus.execute(new FormFederationCommand({ id: FEDERATION, name: 'Lönenämnden', form: 'federation', members: [A, B], serviceAreas: ['payroll'], decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' }, ctx()));
    await bus.execute(new TransferServiceCommand(A, { serviceArea: 'payroll', basis: { kind: 'federation', id: FEDERATION }, decidedOn: '2009-06-01', effectiveFrom: '2010-01-01' }, ctx()));
  });

  afterEach(async () => {
    await moduleRef.close();
    await inner.close();
  });

  it('records the successors a crashed dissolution left out, once, however many managers follow the log; a manager resumes after its checkpoint', async () => {
    dying = true;
    const dissolving = bus.execute(
      new DissolveFederationCommand(FEDERATION, { decidedOn: '2019-06-01', effectiveFrom: '2020-01-01', successors: [{ municipality: A, serviceArea: 'payroll', basis: { kind: 'in-house' } }] }, ctx()),
    );
    await expect(dissolving).rejects.toThrow('the process died here');
    dying = false;
    const [dissolution] = (await inner.readStream(streams.federation(FEDERATION))).filter((e) => e.type === 'FederationDissolved');
    expect(dissolution).toBeDefined();
    expect(await successorsOf(dissolution)).toHaveLength(0);

    // Two instances' managers, from the start of the log.
    const first = moduleRef.get(SuccessorTransfers);
    const second = new SuccessorTransfers(moduleRef.get(UseCaseTools));
    first.start();
    second.start();
    await until(async () => first.checkpoint === dissolution.position && second.checkpoint === dissolution.position);
    expect([first.checkpoint, second.checkpoint]).toEqual([dissolution.position, dissolution.position]);
    const recorded = await successorsOf(dissolution);
    expect(recorded).toHaveLength(1);
    expect(recorded[0].data).toMatchObject({ serviceArea: 'payroll', basis: { kind: 'in-house' }, effectiveFrom: '2020-01-01', successorOf: { eventId: dissolution.id } });
    second.onApplicationShutdown();

    // A restarted manager with that checkpoint (from its snapshot) reads the log only after it.
    const restarted = new SuccessorTransfers(moduleRef.get(UseCaseTools));
    restarted.resumeAfter(first.checkpoint);
    restarted.start();
    expect(subscriptions.map((s) => s?.after)).toEqual([undefined, undefined, dissolution.position]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await successorsOf(dissolution)).toHaveLength(1);
    restarted.onApplicationShutdown();
  });
});
