import { EventStore } from '@samverkan/event-store';
import { EventStoreDbEventStore } from '@samverkan/event-store/eventstoredb';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { EventStoreDbDouble } from '@samverkan/event-store/testing';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltService, ServiceProcess, ServiceProcessOptions, freePort } from '../crash/service-process';

/**
 * Several service processes on one store (issue 14), as the cluster profile of docker-compose.yml
 * runs them:
 * - `eventstoredb`: the in-process EventStoreDB double, every instance connected to it by
 *   EVENTSTORE_CONNECTION_STRING; each instance has a data directory of its own (its audit signing
 *   key, its read-model snapshots), as each container of the cluster profile does;
 * - `embedded`: every instance on one data directory (SAMVERKAN_DATA_DIR), one SQLite file.
 * test/scale-out-compose.e2e-spec.ts checks that the environment built here is the cluster profile's.
 */
export type SharedStore = 'embedded' | 'eventstoredb';

/** The public key file the service writes next to its signing key (libs/audit/src/signing). */
const PUBLIC_KEY_FILE = 'audit-signing-key.pub.pem';

export interface InstancePlan {
  store: SharedStore;
  built: BuiltService;
  ports: readonly number[];
  /** The directory the data directories are made in. */
  root: string;
  /** For `eventstoredb`: the address of the store. */
  connectionString?: string;
  /** Extra environment, the same for every instance. */
  env?: NodeJS.ProcessEnv;
}

/** The data directory of instance `index`: one each on EventStoreDB, one for all on the embedded store. */
export function dataDirOf(store: SharedStore, root: string, index: number): string {
  return store === 'embedded' ? join(root, 'data') : join(root, `instance-${index + 1}`);
}

/** The signing-key directory the instances on EventStoreDB share (docker-compose's cluster profile mounts one volume in both). */
export function auditKeyDirOf(root: string): string {
  return join(root, 'audit-key');
}

/** How each instance is started: the same settings for every one but its port and (on EventStoreDB) its data directory. */
export function instanceOptions(plan: InstancePlan): ServiceProcessOptions[] {
  if (plan.store === 'eventstoredb' && !plan.connectionString) throw new Error('EventStoreDB instances need the connection string');
  return plan.ports.map((port, index) => ({
    built: plan.built,
    port,
    dataDir: dataDirOf(plan.store, plan.root, index),
    ...(plan.store === 'eventstoredb' ? { eventStoreConnectionString: plan.connectionString } : {}),
    // On EventStoreDB each instance has a data directory of its own: one signing-key directory
    // shared by all gives them one audit key, so each trusts the checkpoints the others sign.
    ...(plan.store === 'eventstoredb' || plan.env ? { env: { ...(plan.store === 'eventstoredb' ? { SAMVERKAN_AUDIT_KEY_DIR: auditKeyDirOf(plan.root) } : {}), ...plan.env } } : {}),
  }));
}

export interface SharedStoreInstances {
  store: SharedStore;
  services: ServiceProcess[];
  urls: string[];
  dataDirs: string[];
  double?: EventStoreDbDouble;
  /** The log as the auditors' CLI names it (`cli replay`, `cli verify`). */
  source: string[];
  /** Every instance's public key file (each signs its own checkpoints on EventStoreDB); those written so far. */
  publicKeys(): string[];
  /** The log, opened in this process (to read it). */
  openStore(): EventStore;
  /** Starts every instance that is not running, all at once, and waits until each is healthy. */
  startAll(): Promise<void>;
  /** Stops the instances (gracefully) and the double; removes the data unless kept. */
  close(): Promise<void>;
}

export interface SharedStoreOptions {
  store: SharedStore;
  built: BuiltService;
  count?: number;
  env?: NodeJS.ProcessEnv;
  keepData?: boolean;
  /** Start them (all at once) before returning; default true. */
  start?: boolean;
}

/** `count` (2) service processes on one store, started at once unless `start` is false. */
export async function sharedStoreInstances(options: SharedStoreOptions): Promise<SharedStoreInstances> {
  const count = options.count ?? 2;
  const root = mkdtempSync(join(tmpdir(), `samverkan-${options.store}-x${count}-`));
  const double = options.store === 'eventstoredb' ? new EventStoreDbDouble() : undefined;
  if (double) await double.start();
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const plans = instanceOptions({ store: options.store, built: options.built, ports, root, ...(double ? { connectionString: double.connectionString } : {}), ...(options.env ? { env: options.env } : {}) });
  const dataDirs = [...new Set(plans.map((p) => p.dataDir))];
  for (const dir of dataDirs) mkdirSync(dir, { recursive: true });
  const services = plans.map((p) => new ServiceProcess(p));
  const opened: EventStore[] = [];
  const instances: SharedStoreInstances = {
    store: options.store,
    services,
    urls: services.map((s) => s.url),
    dataDirs,
    ...(double ? { double } : {}),
    source: double ? ['--esdb', double.connectionString, '--data-dir', dataDirs[0]] : ['--data-dir', dataDirs[0]],
    publicKeys: () => [...dataDirs, auditKeyDirOf(root)].map((dir) => join(dir, PUBLIC_KEY_FILE)).filter((file) => existsSync(file)),
    openStore: () => {
      const store = double ? new EventStoreDbEventStore(double.connectionString) : SqliteEventStore.open({ dataDir: dataDirs[0] });
      opened.push(store);
      return store;
    },
    startAll: async () => {
      await Promise.all(services.filter((s) => !s.running).map((s) => s.start()));
    },
    close: async () => {
      await Promise.all(services.map((s) => s.stop()));
      for (const store of opened) await store.close().catch(() => undefined);
      await double?.stop();
      if (!options.keepData) rmSync(root, { recursive: true, force: true });
    },
  };
  if (options.start ?? true) {
    try {
      await instances.startAll();
    } catch (error) {
      await instances.close();
      throw error;
    }
  }
  return instances;
}
