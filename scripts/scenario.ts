/**
 * Loads a seed story into a running service:
 *   npm run scenario -- s1 [--url http://127.0.0.1:3000] [--key <api key>]
 *   npm run scenario -- all
 * Every step carries an Idempotency-Key, so loading a story twice records it once.
 */
import { loadScenario, runScenario, scenarioIds } from '../scenarios/scenario-runner';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const target = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (!target) {
    process.stderr.write(`usage: npm run scenario -- <${scenarioIds().join('|')}|all> [--url URL] [--key KEY]\n`);
    process.exit(2);
  }
  const url = (option('url') ?? process.env.SAMVERKAN_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
  const key = option('key') ?? process.env.SAMVERKAN_KEY;
  const ids = target === 'all' ? scenarioIds() : [target];
  for (const id of ids) {
    const scenario = loadScenario(id);
    process.stdout.write(`\n${scenario.id}: ${scenario.title}\n`);
    const run = await runScenario(url, scenario, {
      headersFor: (): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {}),
      onStep: (r) => process.stdout.write(`  ${String(r.status).padEnd(4)} ${r.step.id}${r.body.code ? ` (${r.body.code})` : ''}\n`),
    });
    for (const [mark, at] of Object.entries(run.marks)) process.stdout.write(`  mark ${mark}: ${at}\n`);
    process.stdout.write(`  done at position ${run.position}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
