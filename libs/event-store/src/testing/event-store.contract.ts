import { EventStore } from '../event-store.port';
import { describeAppends } from './contract/appends.contract';
import { describeChecks } from './contract/checks.contract';
import { ContractTest } from './contract/contract-support';
import { describeReads } from './contract/reads.contract';
import { describeSubscriptions } from './contract/subscriptions.contract';

export interface EventStoreUnderTest {
  store: EventStore;
  /** Called after every test, also after a test that closed the store itself. */
  teardown: () => Promise<void>;
}

/**
 * The promises of the EventStore port, for any adapter. Each test gets a fresh store from
 * `factory` and uses stream names, prefixes and event types of its own, and reads the log
 * only after the head it found, so the suite also runs against a server that holds other
 * data. Positions are only compared, never computed: they need not be contiguous.
 */
export function describeEventStoreContract(name: string, factory: () => Promise<EventStoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let teardown: () => Promise<void>;

    beforeEach(async () => {
      ({ store, teardown } = await factory());
    });

    afterEach(async () => {
      await teardown();
    });

    const storeTest: ContractTest = (title, body) => it(title, () => body(store));
    describeAppends(storeTest);
    describeChecks(storeTest);
    describeReads(storeTest);
    describeSubscriptions(storeTest);
  });
}
