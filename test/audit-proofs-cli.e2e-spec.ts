import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, runScenario } from '../scenarios/scenario-runner';
import { cli } from './support/cli';
import { client, Json, RunningApp, startApp } from './support/start-app';

/**
 * An auditor's offline checks on seed story S1: files saved from the API (a checkpoint note, a
 * proof, an event, an export) and `verify-inclusion`, `verify-consistency` and `verify --file`
 * with the note key pinned. Every kind of tampering is caught with a message that says what.
 */
describe('the audit CLI: inclusion and consistency proofs, offline', () => {
  let dir: string;
  let running: RunningApp;
  let api: ReturnType<typeof client>;
  let noteKey: string;
  const file = (name: string, content: Json) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  let first: { note: string; size: number };
  let second: { note: string; size: number };
  let event: Json;
  let events: Json[];
  let exportFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'samverkan-proofs-cli-'));
    running = await startApp({ store: SqliteEventStore.open({ dataDir: dir }), env: { SAMVERKAN_CHECKPOINT_INTERVAL_SECONDS: '0' } });
    api = client(running.url);
    await runScenario(running.url, loadScenario('s1'));
    noteKey = (await api.get('/v1/audit/public-key')).body.noteVerifierKey;
    await api.post('/v1/audit/checkpoints');
    const one = (await api.get('/v1/audit/checkpoint')).text;
    first = { note: one, size: Number(one.split('\n')[1]) };
    await runScenario(running.url, loadScenario('s4'));
    await api.post('/v1/audit/checkpoints');
    const two = (await api.get('/v1/audit/checkpoint')).text;
    second = { note: two, size: Number(two.split('\n')[1]) };
    events = (await api.get('/v1/audit/events?limit=1000')).body;
    event = events.find((e) => e.type === 'AgreementProposed');
    exportFile = join(dir, 'export.ndjson');
    writeFileSync(exportFile, (await api.get('/v1/audit/export')).text);
  }, 60_000);
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const inclusion = async (leafIndex: number, treeSize: number) => (await api.get(`/v1/audit/proofs/inclusion?leafIndex=${leafIndex}&treeSize=${treeSize}`)).body;

  it('verify-inclusion: an event saved from the API is in the signed tree', async () => {
    const result = await cli('verify-inclusion', '--checkpoint', file('cp.txt', second.note), '--proof', file('proof.json', await inclusion(event.leafIndex, second.size)), '--event', file('event.json', event), '--note-key', noteKey);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`signed by ${noteKey.split('+')[0]}`);
    expect(result.stdout).toContain(`Included: AgreementProposed ${event.stream} revision 0 (leaf ${event.leafIndex}) is in the tree of ${second.size} events.`);
  });

  it('verify-inclusion: many proofs at once, the events taken from an export by leaf index', async () => {
    const proofs = await Promise.all(events.filter((e) => e.leafIndex < first.size).map((e) => inclusion(e.leafIndex, first.size)));
    const result = await cli('verify-inclusion', '--checkpoint', file('cp1.txt', first.note), '--proof', file('proofs.ndjson', proofs.map((p) => JSON.stringify(p)).join('\n')), '--file', exportFile, '--note-key', noteKey, '--json');
    expect(result.code).toBe(0);
    expect(result.json).toMatchObject({ ok: true, verified: first.size, failed: [], checkpoint: { treeSize: first.size } });
  });

  it('verify-inclusion: a changed byte in the event, a wrong leaf, a wrong proof or another tree size is NOT PROVEN', async () => {
    const proof = await inclusion(event.leafIndex, second.size);
    const cp = file('cp.txt', second.note);
    const changed = { ...event, data: { ...event.data, validUntil: '2099-12-31' } };
    const forged = { ...proof, hashes: [Buffer.alloc(32, 1).toString('base64'), ...proof.hashes.slice(1)] };
    for (const [eventFile, proofFile, reason] of [
      [file('changed.json', changed), file('p.json', proof), /the event was changed, it is not at this leaf, or the proof is wrong/],
      [file('e.json', event), file('forged.json', forged), /the event was changed, it is not at this leaf, or the proof is wrong/],
      [file('e.json', event), file('other-size.json', await inclusion(event.leafIndex, first.size)), /the proof is for a tree of \d+ events; the checkpoint signs \d+/],
      [file('other-leaf.json', { ...event, leafIndex: event.leafIndex + 1 }), file('p.json', proof), /the event says leafIndex \d+, the proof \d+/],
    ] as const) {
      const result = await cli('verify-inclusion', '--checkpoint', cp, '--proof', proofFile, '--event', eventFile, '--note-key', noteKey);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/NOT PROVEN/);
      expect(result.stdout).toMatch(reason);
    }
  });

  it('verify-inclusion: a forged checkpoint, or one checked without the key, proves nothing', async () => {
    const proof = file('p.json', await inclusion(event.leafIndex, second.size));
    const lines = second.note.split('\n');
    const otherRoot = Buffer.alloc(32, 9).toString('base64');
    const forged = file('forged-cp.txt', [lines[0], lines[1], otherRoot, ...lines.slice(3)].join('\n'));
    const refused = await cli('verify-inclusion', '--checkpoint', forged, '--proof', proof, '--event', file('e.json', event), '--note-key', noteKey);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/does not verify/);
    const unchecked = await cli('verify-inclusion', '--checkpoint', file('cp.txt', second.note), '--proof', proof, '--event', file('e.json', event));
    expect(unchecked.code).toBe(1);
    expect(unchecked.stdout).toMatch(/signature is NOT checked \(give --note-key/);
  });

  it('verify-consistency: the earlier tree is a prefix of the later; a stale or swapped pair is NOT CONSISTENT', async () => {
    const proof = (await api.get(`/v1/audit/proofs/consistency?from=${first.size}&to=${second.size}`)).body;
    const older = file('old.txt', first.note);
    const newer = file('new.txt', second.note);
    const ok = await cli('verify-consistency', '--checkpoint', older, '--checkpoint', newer, '--proof', file('c.json', proof), '--note-key', noteKey);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`Consistent: the log of ${first.size} events is a prefix of the log of ${second.size} events`);

    const wrong = { ...proof, hashes: proof.hashes.slice(1) };
    const broken = await cli('verify-consistency', '--checkpoint', older, '--checkpoint', newer, '--proof', file('wrong.json', wrong), '--note-key', noteKey);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/NOT CONSISTENT: the tree of \d+ events does not extend the tree of \d+/);

    const swapped = await cli('verify-consistency', '--checkpoint', newer, '--checkpoint', older, '--proof', file('c.json', proof), '--note-key', noteKey);
    expect(swapped.code).toBe(1);
    expect(swapped.stdout).toMatch(/the proof is from \d+ to \d+; the checkpoints sign/);
  });

  it('verify --file checks the tree: a reordered or removed line is found, with the tree head it contradicts', async () => {
    const intact = await cli('verify', '--file', exportFile, '--json');
    expect(intact.code).toBe(0);
    expect(intact.json.tree).toEqual({ size: events.length, root: expect.any(String) });
    expect(intact.json.checkpoints.last).toMatchObject({ treeSize: second.size });

    const lines = readFileSync(exportFile, 'utf8').split('\n');
    const swapped = [...lines];
    [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
    const reordered = await cli('verify', '--file', file('reordered.ndjson', swapped.join('\n')), '--json');
    expect(reordered.code).toBe(1);
    const kinds = reordered.json.problems.map((p: Json) => p.kind);
    expect(kinds).toContain('export-altered');
    expect(reordered.json.problems.find((p: Json) => p.kind === 'export-altered').detail).toMatch(/says leafIndex \d+ but is event \d+ of the file/);

    const removed = await cli('verify', '--file', file('removed.ndjson', [...lines.slice(0, 5), ...lines.slice(6)].join('\n')), '--json');
    expect(removed.code).toBe(1);
    expect(removed.json.problems.map((p: Json) => p.kind)).toContain('tree-mismatch');
  });

  it('refuses a usage mistake with exit code 2', async () => {
    expect((await cli('verify-inclusion', '--proof', 'x.json')).code).toBe(2);
    expect((await cli('verify-consistency', '--checkpoint', 'a.txt', '--proof', 'x.json')).code).toBe(2);
    const notAProof = await cli('verify-inclusion', '--checkpoint', file('cp.txt', second.note), '--proof', file('np.json', { leafIndex: -1 }), '--event', file('e.json', event), '--note-key', noteKey);
    expect(notAProof.code).toBe(2);
    expect(notAProof.stderr).toMatch(/is not an inclusion proof/);
  });
});
