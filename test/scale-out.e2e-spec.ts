import { RecordedEvent } from '@samverkan/event-store';
import { loadMunicipalities } from '@samverkan/reference-data';
import { readLog } from './crash/checker';
import { BuiltService, buildService } from './crash/service-process';
import { SharedStore, SharedStoreInstances, sharedStoreInstances } from './support/instances';
import { ruleViolations } from './support/rules';
import { Json, client } from './support/start-app';

/**
 * Issue 14, with two service processes on one store (the EventStoreDB double served to both; the
 * embedded store with both on one data directory):
 * - read-your-writes across instances: a command answered by one instance, then a query with
 *   `minPosition=<its position>` at the other, sees the write — a provision, the municipality's
 *   view (memberships and arrangements) and an arrangement's state — each way round;
 * - the two started at once register the reference data once, and a write at either instance on
 *   every municipality's stream keeps its hash chain;
 * - each instance verifies the whole log, the checkpoints the other signed included (each instance
 *   of the cluster profile has a data directory, so a signing key, of its own).
 */

const MEMBERS = ['0580', '0581'];
/** Municipalities that join the federation, one per round. */
const JOINERS = ['0583', '0586', '0561', '0513', '0562', '0584', '0509', '0512'];
const PROVIDER = '0580';

let built: BuiltService;
beforeAll(async () => {
  built = await buildService();
}, 120_000);
afterAll(() => built?.dispose());

describe.each(['eventstoredb', 'embedded'] as SharedStore[])('two service processes on one %s store', (storeKind) => {
  let instances: SharedStoreInstances;
  let keys = 0;
  const at = (instance: number) => client(instances.urls[instance], { 'x-source-system': 'scale-out-test' });
  /** A command that must be accepted; its answer's position. */
  const command = async (instance: number, path: string, body: unknown): Promise<number> => {
    const reply = await at(instance).post(path, body, { 'idempotency-key': `scale-out-${storeKind}-${++keys}` });
    if (reply.status >= 300) throw new Error(`${path} at instance ${instance}: ${reply.status} ${reply.text}`);
    expect(typeof reply.body.position).toBe('number');
    return reply.body.position as number;
  };
  /** A query with minPosition that must answer 200. */
  const query = async (instance: number, path: string, position: number): Promise<Json> => {
    const reply = await at(instance).get(`${path}${path.includes('?') ? '&' : '?'}minPosition=${position}`);
    expect({ path, instance, status: reply.status }).toEqual({ path, instance, status: 200 });
    return reply.body;
  };

  beforeAll(async () => {
    instances = await sharedStoreInstances({ store: storeKind, built });
  }, 120_000);
  afterAll(async () => {
    await instances?.close();
  });

  it('a write answered by one instance is seen at the other with minPosition: the provision, the municipality view and the arrangement state, each way round', async () => {
    await command(0, '/v1/federations', { id: 'rw-fed', name: 'Read-your-writes federation', form: 'federation', members: MEMBERS, serviceAreas: ['payroll'], decidedOn: '2010-06-01', effectiveFrom: '2011-01-01' });
    const seen: string[] = [];
    for (const [round, municipality] of JOINERS.entries()) {
      const writer = round % 2;
      const reader = 1 - writer;
      // The municipality view: it joins at one instance, the other lists the membership and the arrangement.
      const joined = await command(writer, '/v1/federations/rw-fed/members', { municipality, decidedOn: '2011-06-01', effectiveFrom: '2012-01-01' });
      const view = await query(reader, `/v1/municipalities/${municipality}`, joined);
      expect({ municipality, memberships: view.memberships.map((m: { id: string; from: string }) => `${m.id} from ${m.from}`) }).toEqual({ municipality, memberships: ['rw-fed from 2012-01-01'] });
      expect(view.arrangements.map((a: { id: string }) => a.id)).toContain('rw-fed');

      // The provision: the reader records the transfer (its command side sees the join), the writer serves it.
      const moved = await command(reader, `/v1/municipalities/${municipality}/transfers`, { serviceArea: 'payroll', basis: { kind: 'federation', id: 'rw-fed' }, decidedOn: '2012-06-01', effectiveFrom: '2013-01-01' });
      const provision = await query(writer, `/v1/municipalities/${municipality}/provisions/payroll?on=2013-06-01`, moved);
      expect({ municipality, basis: provision.basis, since: provision.since }).toEqual({ municipality, basis: { kind: 'federation', id: 'rw-fed' }, since: '2013-01-01' });

      // The arrangement state: proposed at one instance, signed alternately; the last signature's answer, read at the other, shows it concluded.
      const id = `rw-agr-${round}`;
      await command(writer, '/v1/agreements', {
        id,
        kind: 'service',
        title: `Read-your-writes agreement ${round}`,
        parties: [PROVIDER, municipality],
        provider: { kind: 'municipality', code: PROVIDER },
        buyers: [municipality],
        serviceAreas: ['procurement'],
        validFrom: '2014-01-01',
        councilApprovalRequired: false,
      });
      await command(reader, `/v1/agreements/${id}/signatures`, { party: PROVIDER, signedOn: '2013-11-01' });
      const signed = await command(writer, `/v1/agreements/${id}/signatures`, { party: municipality, signedOn: '2013-11-02' });
      const state = await query(reader, `/v1/agreements/${id}`, signed);
      const listed = await query(reader, `/v1/arrangements?party=${municipality}&kind=agreement`, signed);
      expect({ id, status: state.status, listed: listed.map((a: { id: string; status: string }) => `${a.id} ${a.status}`) }).toEqual({ id, status: 'concluded', listed: [`${id} concluded`] });
      seen.push(municipality);
    }
    expect(seen).toEqual(JOINERS);
  }, 120_000);

  it('registers the reference data once though both started at once, and a write at either instance on every municipality keeps its chain', async () => {
    const codes = loadMunicipalities().map((m) => m.code);
    const queue = codes.map((code, i) => ({ code, instance: i % 2 }));
    let last = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const position = await command(next.instance, `/v1/municipalities/${next.code}/transfers`, { serviceArea: 'switchboard', basis: { kind: 'in-house' }, decidedOn: '2019-12-01', effectiveFrom: '2020-01-01' });
          last = Math.max(last, position);
        }
      }),
    );
    const store = instances.openStore();
    const log: RecordedEvent[] = await readLog(store);
    const registered = new Map<string, number>();
    for (const e of log) if (e.type === 'MunicipalityRegistered') registered.set(e.stream, (registered.get(e.stream) ?? 0) + 1);
    expect({ streams: registered.size, twice: [...registered].filter(([, n]) => n > 1) }).toEqual({ streams: codes.length, twice: [] });
    expect(ruleViolations(log).violations).toEqual([]);
    for (const [instance] of instances.urls.entries()) {
      await query(instance, '/v1/matrix?on=2020-01-01', last);
      const verify = await at(instance).post('/v1/audit/verify');
      const report = verify.body as { ok: boolean; problemCount?: number; problems?: { stream: string; revision: number; kind: string }[] };
      expect({ instance, ok: report.ok, problems: report.problemCount ?? 0, first: (report.problems ?? []).slice(0, 5).map((p) => `${p.kind} ${p.stream}@${p.revision}`) }).toEqual({ instance, ok: true, problems: 0, first: [] });
    }
  }, 120_000);

  it('verifies the whole log at either instance after both signed checkpoints', async () => {
    for (const instance of [0, 1]) {
      await command(instance, '/v1/municipalities/0580/transfers', { serviceArea: 'it-support', basis: { kind: 'in-house' }, decidedOn: '2020-12-01', effectiveFrom: `202${1 + instance}-01-01` });
      const signed = await at(instance).post('/v1/audit/checkpoints');
      expect({ instance, status: signed.status }).toEqual({ instance, status: 201 });
    }
    for (const instance of [0, 1]) {
      const report = (await at(instance).post('/v1/audit/verify')).body as { ok: boolean; checkpoints?: { found: number }; problems?: { kind: string; detail: string }[] };
      expect({ instance, ok: report.ok, checkpoints: report.checkpoints?.found, problems: (report.problems ?? []).slice(0, 3).map((p) => `${p.kind}: ${p.detail}`) }).toEqual({ instance, ok: true, checkpoints: 2, problems: [] });
    }
  }, 60_000);

  it('both processes ran without logging an error', () => {
    expect(instances.services.map((s) => s.errors.map((e) => e.line.slice(0, 500)))).toEqual([[], []]);
  });
});
