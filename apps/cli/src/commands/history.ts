import { LogVerifier, chainOf, toView } from '@samverkan/audit';
import { CliContext, json, out } from '../context';
import { ServiceClient, apiKey } from '../http';
import { CliError } from '../options';
import { logSource } from '../sources';

const STREAM_NAME = /^[a-z][a-z0-9]*-[a-z0-9][a-z0-9._-]{0,199}$/;

/** `history <stream>`: one stream's events, with its chain checked on the way. */
export async function historyCommand(ctx: CliContext): Promise<number> {
  const [stream] = ctx.positionals;
  if (!stream || !STREAM_NAME.test(stream)) throw new CliError('history needs a stream name, e.g. history municipality-0580', 2);
  const { options, io } = ctx;
  let events;
  let source: string;
  if (options.url && !options.file && !options.dataDir && !options.esdb) {
    source = options.url;
    const answer = await new ServiceClient(options.url, apiKey(options, io.env)).get<ReturnType<typeof toView>[] | undefined>(`/v1/audit/streams/${stream}`, { allow404: true });
    events = (answer ?? []).map((e) => ({ ...e, created: e.recordedAt }));
  } else {
    const log = logSource(options, io.env);
    source = log.description;
    try {
      events = await log.stream(stream);
    } finally {
      await log.close();
    }
  }
  if (events.length === 0) {
    if (options.json) json(ctx, []);
    else out(ctx, `There is no stream ${stream} in ${source}.`);
    return 1;
  }

  // The stream's own chain: revisions in order, each linked to the one before, each matching its hash.
  const verifier = new LogVerifier();
  for (const e of events) verifier.add(e);
  const check = verifier.finish();

  if (options.json) {
    json(ctx, events.map(toView));
    return check.ok ? 0 : 1;
  }
  const rows = events.map((e) => {
    const view = toView(e);
    return [String(e.revision), String(e.position), view.recordedAt, e.type, String(e.metadata.actor ?? ''), (chainOf(e.metadata)?.hash ?? 'unchained').slice(0, 12)];
  });
  const header = ['rev', 'position', 'recordedAt', 'type', 'actor', 'hash'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  out(ctx, [`${stream} (${source}): ${events.length} event${events.length === 1 ? '' : 's'}`, line(header), ...rows.map(line)].join('\n'));
  out(ctx, check.ok ? "The stream's chain is intact." : `THE STREAM'S CHAIN IS BROKEN: ${check.firstBroken!.kind} at revision ${check.firstBroken!.revision}: ${check.firstBroken!.detail}`);
  return check.ok ? 0 : 1;
}
