import { parseArgs } from 'node:util';

/** A failure to report to the user with an exit code (2: usage, 3: cannot reach the source or service). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 3,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export interface Options {
  json?: boolean;
  quiet?: boolean;
  progress?: boolean;
  help?: boolean;
  dataDir?: string;
  esdb?: string;
  file?: string;
  url?: string;
  key?: string;
  keyFile?: string;
  out?: string;
  publicKey?: string[];
  expectCheckpoint?: string;
  atRevision?: string;
  knownAt?: string;
  dates?: string;
  maxDates?: string;
  today?: string;
  knownAtDates?: string;
  checkpoint?: string[];
  proof?: string;
  event?: string;
  noteKey?: string[];
}

const OPTIONS = {
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  progress: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  'data-dir': { type: 'string' },
  esdb: { type: 'string' },
  file: { type: 'string', short: 'f' },
  url: { type: 'string' },
  key: { type: 'string' },
  'key-file': { type: 'string' },
  out: { type: 'string', short: 'o' },
  'public-key': { type: 'string', multiple: true },
  'expect-checkpoint': { type: 'string' },
  'at-revision': { type: 'string' },
  'known-at': { type: 'string' },
  dates: { type: 'string' },
  'max-dates': { type: 'string' },
  today: { type: 'string' },
  checkpoint: { type: 'string', multiple: true },
  proof: { type: 'string' },
  event: { type: 'string' },
  'note-key': { type: 'string', multiple: true },
} as const;

/** Parses `<command> [positionals] [--options]` with Node's util.parseArgs (strict: unknown options are an error). */
export function parseCommandLine(argv: string[]): { command?: string; positionals: string[]; options: Options } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}. See --help.`, 2);
  }
  const v = parsed.values;
  const options: Options = {
    json: v.json,
    quiet: v.quiet,
    progress: v.progress,
    help: v.help,
    dataDir: v['data-dir'],
    esdb: v.esdb,
    file: v.file,
    url: v.url?.replace(/\/+$/, ''),
    key: v.key,
    keyFile: v['key-file'],
    out: v.out,
    publicKey: v['public-key'],
    expectCheckpoint: v['expect-checkpoint'],
    atRevision: v['at-revision'],
    knownAt: v['known-at'],
    dates: v.dates,
    maxDates: v['max-dates'],
    today: v.today,
    checkpoint: v.checkpoint,
    proof: v.proof,
    event: v.event,
    noteKey: v['note-key'],
  };
  const [command, ...positionals] = parsed.positionals;
  return { command, positionals, options };
}

export const USAGE = `Samverkan audit CLI

  npx samverkan <command> [options]        (compiled by npm run build)
  npm run cli -- <command> [options]       (the same, from the sources)

Commands
  verify                     check the whole log: every chain, its Merkle tree, and the log against every signed checkpoint
  verify-inclusion           check that events are in a signed tree head: a checkpoint note, proofs and the events
  verify-consistency         check that an older signed tree head is a prefix of a newer one
  export                     write the whole log as NDJSON (events, chain, checkpoints, public key)
  replay                     rebuild every read model from an empty state and compare with a live service
  history <stream>           one stream's events, with its chain checked
  state <kind> <id>          an arrangement as it was: --at-revision N or --known-at T
                             (kind: federation, joint-committee, agreement, study)

Where the log is (verify, export, replay, history, state)
  --data-dir <dir>           the embedded store's directory (default SAMVERKAN_DATA_DIR, else ./data)
  --esdb <connection>        EventStoreDB, e.g. esdb://localhost:2113?tls=false (default EVENTSTORE_CONNECTION_STRING)
  --file, -f <export>        an export file (verify, replay, history, state): no service needed
  --url <url>                a running service (verify and export download its export; history and state ask it;
                             for replay it is the live service to compare with) — default SAMVERKAN_URL
  --key-file <file>          for --url: a file holding an auditor's or admin key (or SAMVERKAN_KEY_FILE);
                             else the key in SAMVERKAN_KEY. Never put a key on the command line.

verify
  --public-key <pem>         trust this key (repeatable); default: the key in the data directory, or in the export
  --expect-checkpoint <revision>[:<hash>]   fail if that checkpoint is not there (note it down from an earlier verify)
verify-inclusion, verify-consistency (offline: files saved from the API)
  --checkpoint <file>        a signed note from GET /v1/audit/checkpoint or /v1/audit/checkpoints/{treeSize}
                             (verify-consistency: twice, the older first)
  --proof <file>             the answer of GET /v1/audit/proofs/inclusion or /consistency
                             (verify-inclusion: also a JSON array or NDJSON of many proofs)
  --event <file>             verify-inclusion: the event as GET /v1/audit/events serves it (or an array of them);
                             or --file <export>: the events are taken from it by leafIndex
  --note-key <vkey>          the log's note verifier key (noteVerifierKey of GET /v1/audit/public-key); repeatable,
                             also for witnesses' keys (cosignature/v1), whose cosignatures are then checked too.
                             Without it the note's signature is not checked and the command fails.
export
  --out, -o <file>           write here instead of stdout
replay
  --dates <d1,d2,…>          compare on these dates (default: dates taken from the log, see --max-dates)
  --max-dates <n>            at most this many dates from the log (default 40)
  --today <date>             the live service's today, for the arrangement register (default: today in Stockholm)
state
  --at-revision <n>          the state after this stream revision
  --known-at <instant>       as the register knew it at this instant (ISO 8601 with offset)

Output
  --json                     machine-readable output on stdout
  --quiet, -q                no progress bar
  --progress                 a progress bar even when stderr is not a terminal

Exit codes: 0 fine, 1 the log is broken or replay differs from live, 2 usage, 3 cannot read the source or reach the service.
`;
