import { StepResult, loadScenario, runScenario, scenarioIds } from './scenario-runner';

/** Why a request could not be made, in words (fetch's own message is "fetch failed"). */
function unreachable(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'nothing listens there';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name is unknown';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was closed';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'it did not answer in time';
  return error instanceof TypeError && error.message === 'fetch failed' ? 'it could not be reached' : undefined;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** One line per step: its status, its id, and for a refusal the story expects, that it was expected. */
function describeStep(result: StepResult): string {
  const expected = result.step.expect ?? { status: 201 };
  const refusal = result.status >= 400 && result.status === expected.status;
  return `  ${String(result.status).padEnd(4)} ${result.step.id ?? ''}${refusal ? `  refused, as the story expects (${result.body.code}: ${result.body.detail})` : ''}\n`;
}

/**
 * `npm run scenario -- <story|all> [--url URL]`: loads seed stories into a running service and
 * checks every answer against the story. Returns the exit code: 0 loaded, 1 the service is not
 * there or an answer is not what the story expects, 2 a usage mistake.
 */
export async function loadStories(args: string[], env: NodeJS.ProcessEnv, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const usage = `usage: npm run scenario -- <${scenarioIds().join('|')}|all> [--url URL]   (an admin key, when the service has keys, in SAMVERKAN_KEY)\n`;
  if (args.includes('--key')) {
    err(`samverkan scenario: give the key in SAMVERKAN_KEY, not on the command line (where the shell history and ps would keep it).\n${usage}`);
    return 2;
  }
  const target = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (!target || (target !== 'all' && !scenarioIds().includes(target))) {
    err(`${target ? `samverkan scenario: there is no story '${target}'.\n` : ''}${usage}`);
    return 2;
  }
  const url = (option(args, 'url') ?? env.SAMVERKAN_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`).replace(/\/$/, '');
  const key = env.SAMVERKAN_KEY;
  try {
    await fetch(`${url}/health`);
  } catch (error) {
    const why = unreachable(error);
    if (!why) throw error;
    err(`samverkan scenario: no service answers at ${url} (${why}). Start it with 'npm run serve' in another terminal, or give its address with --url.\n`);
    return 1;
  }
  const ids = target === 'all' ? scenarioIds() : [target];
  for (const id of ids) {
    const scenario = loadScenario(id);
    out(`\n${scenario.id}: ${scenario.title}\n`);
    let refusals = 0;
    let steps = 0;
    try {
      const run = await runScenario(url, scenario, {
        headersFor: (): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {}),
        onStep: (result) => {
          steps++;
          if (result.status >= 400) refusals++;
          out(describeStep(result));
        },
      });
      for (const [mark, at] of Object.entries(run.marks)) out(`  mark ${mark}: ${at}\n`);
      out(`  ${steps} steps as the story expects${refusals > 0 ? ` (${refusals} of them refusals it expects)` : ''}; done at log position ${run.position}\n`);
    } catch (error) {
      const why = unreachable(error);
      const message = why ? `the service at ${url} stopped answering (${why})` : error instanceof Error ? error.message : String(error);
      const hint = /got 401 /.test(message) ? (key ? ' The key in SAMVERKAN_KEY is not accepted.' : ' The service has keys: give an admin key in SAMVERKAN_KEY.') : '';
      err(`samverkan scenario: ${message}.${hint}\n`);
      return 1;
    }
  }
  return 0;
}
