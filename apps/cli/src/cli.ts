import { EventStoreUnavailableError } from '@samverkan/event-store';
import { CliIo, CliContext } from './context';
import { CliError, USAGE, parseCommandLine } from './options';

type Command = (ctx: CliContext) => Promise<number>;

/** Each command's module is loaded when it runs, so the CLI starts with only what that command needs. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  verify: async () => (await import('./commands/verify')).verifyCommand,
  'verify-inclusion': async () => (await import('./commands/proofs')).verifyInclusionCommand,
  'verify-consistency': async () => (await import('./commands/proofs')).verifyConsistencyCommand,
  export: async () => (await import('./commands/export')).exportCommand,
  replay: async () => (await import('./commands/replay')).replayCommand,
  history: async () => (await import('./commands/history')).historyCommand,
  state: async () => (await import('./commands/state')).stateCommand,
};

/** Runs one command line; resolves to the exit code. Errors are reported on stderr (and as JSON with --json). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { command, positionals, options } = parseCommandLine(argv);
    json = options.json === true;
    if (options.help || command === 'help' || command === undefined) {
      io.stdout.write(USAGE);
      return command === undefined && !options.help ? 2 : 0;
    }
    const load = COMMANDS[command];
    if (!load) throw new CliError(`Unknown command '${command}'. Commands: ${Object.keys(COMMANDS).join(', ')}. See --help.`, 2);
    const run = await load();
    return await run({ positionals, options, io });
  } catch (error) {
    const code = error instanceof CliError ? error.exitCode : 3;
    const message =
      error instanceof CliError || error instanceof EventStoreUnavailableError ? error.message : error instanceof Error ? `${error.message}${process.env.SAMVERKAN_CLI_DEBUG ? `\n${error.stack}` : ''}` : String(error);
    if (json) io.stdout.write(`${JSON.stringify({ ok: false, error: message, exitCode: code })}\n`);
    io.stderr.write(`samverkan: ${message}\n`);
    return code;
  }
}
