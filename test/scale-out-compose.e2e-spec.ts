import { load } from 'js-yaml';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crashServiceEnv } from './crash/crash-run';
import { BuiltService, serviceEnvironment } from './crash/service-process';
import { dataDirOf, instanceOptions } from './support/instances';

/**
 * Issue 14: the cluster profile of docker-compose.yml (samverkan-a and samverkan-b on a three-node
 * EventStoreDB/KurrentDB cluster) is what the two-instance tests run (test/support/instances.ts:
 * the race, scale-out and crash tests). Read from the files, not hard-coded: the image, the nodes
 * and their settings may change.
 * - the two instances are one deployment twice: the same image, build, command and environment,
 *   both on one EVENTSTORE_CONNECTION_STRING that names every node of the cluster profile (their
 *   internal port, TLS as the nodes run it), both waiting for every node to be healthy;
 * - every variable the compose instances set is one the service reads;
 * - the environment the tests give their two child processes: the same for both but the port and
 *   (on EventStoreDB) the data directory, which is what the containers have (one each, no shared
 *   volume); every setting the service reads is set in both places or in neither, but for the
 *   differences named below with their reasons.
 */

const ROOT = resolve(__dirname, '..');
const INSTANCES = ['samverkan-a', 'samverkan-b'];

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: unknown;
  entrypoint?: unknown;
  profiles?: string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  volumes?: unknown[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: unknown;
}

interface Compose {
  services: Record<string, ComposeService>;
}

/** A service's environment as a map (compose allows a list of KEY=VALUE too); values as strings. */
function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env) ? env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const) : Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)] as const);
  return Object.fromEntries(entries);
}

/** The ENV of the Dockerfile's last stage (the image the instances run). */
function imageEnvironment(): Record<string, string> {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages = text.split(/^FROM .*$/m);
  const env: Record<string, string> = {};
  for (const line of stages[stages.length - 1].split('\n')) {
    const m = /^ENV\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const pair of m[1].trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return env;
}

/** Every environment variable the service reads (apps/api/src and libs/<lib>/src, specs and testing helpers left out). */
function variablesTheServiceReads(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== 'testing' && entry !== 'node_modules') walk(path);
      } else if (/\.ts$/.test(entry) && !/\.spec\.ts$/.test(entry)) {
        for (const m of readFileSync(path, 'utf8').matchAll(/\benv(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g)) names.add(m[1] ?? m[2]);
      }
    }
  };
  walk(join(ROOT, 'apps/api/src'));
  for (const lib of readdirSync(join(ROOT, 'libs'))) walk(join(ROOT, 'libs', lib, 'src'));
  return names;
}

/** The hosts and ports of an esdb:// (or kurrentdb://) connection string, and its query. */
function parseConnectionString(value: string): { hosts: { host: string; port: number }[]; query: URLSearchParams } {
  const m = /^(?:esdb|kurrentdb|kdb)(?:\+discover)?:\/\/([^/?]+)\/?(?:\?(.*))?$/.exec(value);
  if (!m) throw new Error(`Not an EventStoreDB connection string: ${value}`);
  const hosts = m[1].split(',').map((h) => {
    const [host, port] = h.split(':');
    return { host, port: Number(port ?? 2113) };
  });
  return { hosts, query: new URLSearchParams(m[2] ?? '') };
}

/**
 * Where the tests' environment differs from the containers' on purpose. Anything else the
 * service reads must be set in both or in neither.
 */
const DELIBERATE: Record<string, string> = {
  SAMVERKAN_ADMIN_KEY: 'the tests run the service open on loopback (no keys); a container listens on 0.0.0.0, which needs keys',
  SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: 'the crash test signs a checkpoint every second so that kills land around checkpoints; a deployment keeps the default',
};

/**
 * Set in both, to values that differ between a test and a container by nature: addresses and places
 * (a free loopback port, the double's address, a temporary directory, the shared audit-key directory)
 * and how much is logged (warn in the tests). The connection string and the data directory are
 * compared by their shape above.
 */
const BY_NATURE = new Set(['PORT', 'HOST', 'SAMVERKAN_DATA_DIR', 'SAMVERKAN_AUDIT_KEY_DIR', 'EVENTSTORE_CONNECTION_STRING', 'LOG_LEVEL']);

/** The process plumbing of a child (how node finds the compiled code), not a service setting. */
const PLUMBING = new Set(['PATH', 'HOME', 'TS_NODE_PROJECT', 'TS_NODE_BASEURL']);

/**
 * YAML merge keys (`<<: *anchor`, which compose uses) applied: js-yaml 4 applies them itself, js-yaml 5
 * (the one in node_modules, through @nestjs/swagger) leaves `<<` as a key; the mapping's own keys win.
 */
function withMerges(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withMerges);
  if (value === null || typeof value !== 'object') return value;
  const { '<<': merged, ...own } = value as Record<string, unknown>;
  const bases = merged === undefined ? [] : Array.isArray(merged) ? merged : [merged];
  const result: Record<string, unknown> = {};
  for (const base of bases) Object.assign(result, withMerges(base));
  for (const [k, v] of Object.entries(own)) result[k] = withMerges(v);
  return result;
}

const compose = withMerges(load(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'))) as Compose;
const built: BuiltService = { runner: 'compiled', nodeArgs: [], env: { TS_NODE_PROJECT: 'tsconfig.json', TS_NODE_BASEURL: 'build' }, buildMs: 0, dispose: () => undefined };

/** The environments the two-instance tests give their two children on EventStoreDB (race and scale-out tests; the crash test adds its own). */
function testEnvironments(env?: NodeJS.ProcessEnv): Record<string, string>[] {
  return instanceOptions({ store: 'eventstoredb', built, ports: [40001, 40002], root: '/tmp/scale-out', connectionString: 'esdb://127.0.0.1:2113?tls=false', ...(env ? { env } : {}) })
    .map(serviceEnvironment)
    .map((e) => Object.fromEntries(Object.entries(e).filter((entry): entry is [string, string] => entry[1] !== undefined)));
}

describe("the cluster profile's configuration is what the two-instance tests run", () => {
  const services = compose.services;
  const instances = INSTANCES.map((name) => ({ name, service: services[name] }));
  /** The store nodes of the cluster profile: the cluster-profile services that run the single-node store's image. */
  const storeImage = services.eventstoredb?.image;
  const nodes = Object.entries(services).filter(([name, s]) => s.profiles?.includes('cluster') && !INSTANCES.includes(name) && s.image === storeImage);
  const container = { ...imageEnvironment(), ...environmentOf(services['samverkan-a']) };

  it('has two service instances and three store nodes in the cluster profile', () => {
    for (const { name, service } of instances) expect({ name, profiles: service?.profiles }).toEqual({ name, profiles: expect.arrayContaining(['cluster']) });
    expect(typeof storeImage).toBe('string');
    expect(nodes.map(([name]) => name).sort()).toEqual(['node1', 'node2', 'node3']);
  });

  it('runs the two instances as one deployment twice: the same image, build, command and environment, no shared data', () => {
    const [a, b] = instances.map(({ service }) => service);
    for (const field of ['image', 'build', 'command', 'entrypoint', 'volumes', 'healthcheck'] as const) expect({ field, b: b[field] }).toEqual({ field, b: a[field] });
    expect(environmentOf(b)).toEqual(environmentOf(a));
    // Each container has a data directory of its own (the image's, no volume over it): as the tests' EventStoreDB instances have.
    const dataDir = container.SAMVERKAN_DATA_DIR;
    expect(typeof dataDir).toBe('string');
    for (const { name, service } of instances) expect({ name, mounted: (service.volumes ?? []).map(String).filter((v) => v.split(':')[1] === dataDir) }).toEqual({ name, mounted: [] });
    expect(dataDirOf('eventstoredb', '/r', 0)).not.toBe(dataDirOf('eventstoredb', '/r', 1));
    // The same container port behind different host ports.
    const ports = instances.map(({ service }) => (service.ports ?? []).map((p) => String(p).split(':')));
    expect(ports.map((p) => p.map((x) => x[x.length - 1]))).toEqual([[container.PORT], [container.PORT]]);
    expect(new Set(ports.map((p) => p[0][0])).size).toBe(2);
  });

  it('connects both to every node of the cluster by one EVENTSTORE_CONNECTION_STRING, and waits for every node', () => {
    const connection = container.EVENTSTORE_CONNECTION_STRING;
    const { hosts, query } = parseConnectionString(connection);
    expect(hosts.map((h) => h.host).sort()).toEqual(nodes.map(([name]) => name).sort());
    for (const [name, node] of nodes) {
      const env = environmentOf(node);
      // The node's internal port (the container side of its port mapping) and its TLS setting match the string.
      const internal = (node.ports ?? []).map((p) => Number(String(p).split(':').pop()));
      expect({ name, port: hosts.find((h) => h.host === name)?.port }).toEqual({ name, port: internal[0] });
      const insecure = Object.entries(env).find(([k]) => /_INSECURE$/.test(k))?.[1];
      expect({ name, tls: query.get('tls') }).toEqual({ name, tls: insecure === 'true' ? 'false' : 'true' });
      const size = Object.entries(env).find(([k]) => /_CLUSTER_SIZE$/.test(k))?.[1];
      expect({ name, clusterSize: Number(size) }).toEqual({ name, clusterSize: nodes.length });
    }
    for (const { name, service } of instances) {
      const depends = service.depends_on ?? {};
      const waits = Array.isArray(depends) ? depends.map((n) => [n, undefined] as const) : Object.entries(depends).map(([n, d]) => [n, d?.condition] as const);
      expect({ name, waits: Object.fromEntries(waits) }).toEqual({ name, waits: Object.fromEntries(nodes.map(([n]) => [n, 'service_healthy'])) });
    }
  });

  it('sets only variables the service reads', () => {
    const reads = variablesTheServiceReads();
    expect(reads.has('EVENTSTORE_CONNECTION_STRING')).toBe(true);
    const unknown = [...new Set([...Object.keys(container), ...INSTANCES.flatMap((n) => Object.keys(environmentOf(services[n])))])].filter((k) => !reads.has(k) && k !== 'NODE_ENV');
    expect(unknown).toEqual([]);
  });

  it('gives the two test instances the same environment but port and data directory, and the service the same settings as the containers', () => {
    const reads = variablesTheServiceReads();
    for (const [label, envs] of [
      ['race and scale-out tests', testEnvironments()],
      ['crash test', testEnvironments(crashServiceEnv())],
    ] as const) {
      const [one, two] = envs;
      const differing = [...new Set([...Object.keys(one), ...Object.keys(two)])].filter((k) => one[k] !== two[k]).sort();
      expect({ label, differing }).toEqual({ label, differing: ['PORT', 'SAMVERKAN_DATA_DIR'] });
      const settings = [...new Set([...Object.keys(one), ...Object.keys(container)])].filter((k) => !PLUMBING.has(k) && (reads.has(k) || k === 'NODE_ENV'));
      const mismatched: string[] = [];
      for (const name of settings.sort()) {
        if (DELIBERATE[name] !== undefined) continue;
        const inTests = one[name];
        const inContainers = container[name];
        if ((inTests === undefined) !== (inContainers === undefined)) mismatched.push(`${name}: ${inTests === undefined ? 'not set' : 'set'} in the ${label}, ${inContainers === undefined ? 'not set' : 'set'} in the cluster profile`);
        else if (!BY_NATURE.has(name) && inTests !== inContainers) mismatched.push(`${name}: '${inTests}' in the ${label}, '${inContainers}' in the cluster profile`);
      }
      expect({ label, mismatched }).toEqual({ label, mismatched: [] });
      // What differs on purpose differs only where named.
      for (const name of Object.keys(DELIBERATE)) expect(reads.has(name)).toBe(true);
      // Both name the store by a connection string of the same form.
      expect(parseConnectionString(one.EVENTSTORE_CONNECTION_STRING).hosts.length).toBeGreaterThan(0);
    }
  });
});
