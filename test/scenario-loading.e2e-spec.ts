import { loadStories } from '../scenarios/load-stories';
import { freePort } from './crash/service-process';
import { RunningApp, startApp } from './support/start-app';

/** `npm run scenario` as a newcomer meets it (issue 15): what it says without a service, with keys, and for s2's expected refusals. */
describe('npm run scenario', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, write: (t: string) => void out.push(t), error: (t: string) => void err.push(t) };
  };

  it('says in one line that no service answers, and how to start one, exit 1', async () => {
    const port = await freePort();
    const io = capture();
    const code = await loadStories(['s1'], { PORT: String(port) }, io.write, io.error);
    expect(code).toBe(1);
    expect(io.err.join('')).toBe(
      `samverkan scenario: no service answers at http://127.0.0.1:${port} (nothing listens there). Start it with 'npm run serve' in another terminal, or give its address with --url.\n`,
    );
    expect(io.out).toEqual([]);
  });

  it('refuses a key on the command line, and an unknown story, with the usage, exit 2', async () => {
    for (const args of [['s1', '--key', 'secret'], ['s9'], []]) {
      const io = capture();
      expect(await loadStories(args, {}, io.write, io.error)).toBe(2);
      expect(io.err.join('')).toContain('usage: npm run scenario -- <s1|s2|s3|s4|s5|all> [--url URL]');
    }
  });

  describe('against a running service', () => {
    let running: RunningApp;
    afterEach(() => running?.close());

    it("marks s2's expected 422s as expected and ends with a count of steps as the story expects", async () => {
      running = await startApp();
      const io = capture();
      expect(await loadStories(['s2', '--url', running.url], {}, io.write, io.error)).toBe(0);
      const text = io.out.join('');
      expect(io.err).toEqual([]);
      const refusals = text.split('\n').filter((line) => line.startsWith('  422 '));
      expect(refusals).toHaveLength(2);
      for (const line of refusals) expect(line).toMatch(/^ {2}422 {2}\S+ {2}refused, as the story expects \(basis-not-in-force: .+\)$/);
      expect(text).toMatch(/ {2}\d+ steps as the story expects \(2 of them refusals it expects\); done at log position \d+\n$/);
      expect(text.split('\n').filter((line) => line.startsWith('  201 ')).every((line) => !line.includes('refused'))).toBe(true);
    });

    it('says that a keyed service needs an admin key in SAMVERKAN_KEY, exit 1', async () => {
      running = await startApp({ env: { SAMVERKAN_ADMIN_KEY: 'a'.repeat(32) } });
      const io = capture();
      expect(await loadStories(['s1', '--url', running.url], {}, io.write, io.error)).toBe(1);
      expect(io.err.join('')).toMatch(/^samverkan scenario: s1\/\S+: expected \{"status":201\}, got 401 .*The service has keys: give an admin key in SAMVERKAN_KEY\.\n$/);
      const withKey = capture();
      expect(await loadStories(['s1', '--url', running.url], { SAMVERKAN_KEY: 'a'.repeat(32) }, withKey.write, withKey.error)).toBe(0);
    });
  });
});
