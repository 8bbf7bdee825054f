import { SigningKey, exportLines } from '@samverkan/audit';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { CliContext, count, json, note, out, progress, rate } from '../context';
import { ServiceClient, apiKey } from '../http';
import { CliError } from '../options';
import { logSource } from '../sources';

/** `export`: the whole log as NDJSON, from a running service (--url) or straight from the store. */
export async function exportCommand(ctx: CliContext): Promise<number> {
  const { options, io } = ctx;
  if (options.file) throw new CliError('export reads a store or a service, not an export file (--file).', 2);
  const target = options.out ? createWriteStream(resolve(options.out)) : io.stdout;
  const started = process.hrtime.bigint();
  let events = 0;
  let source: string;
  let signed = false;

  if (options.url && !options.dataDir && !options.esdb) {
    source = options.url;
    await new ServiceClient(options.url, apiKey(options, io.env)).pipeTo('/v1/audit/export', target);
    signed = true;
  } else {
    const log = logSource(options, io.env);
    source = log.description;
    const bar = progress(ctx, 'export');
    try {
      // Signed with the service's key when it is at hand (run on the server, with the data directory); otherwise unsigned.
      const dir = options.dataDir ?? io.env.SAMVERKAN_DATA_DIR ?? (log.kind === 'embedded' ? './data' : undefined);
      const key = dir ? SigningKey.loadIfPresent(resolve(dir)) : undefined;
      signed = key !== undefined;
      const nearby = log.keysNearby();
      for await (const chunk of exportLines(log.store!, {
        key,
        exportedAt: new Date().toISOString(),
        onProgress: (p) => {
          events = p.events;
          bar.update(p.position, p.head, p.events);
        },
        ...(nearby ? { publicKeys: nearby.infos() } : {}),
      })) {
        if (!target.write(chunk)) await once(target, 'drain');
      }
    } finally {
      bar.stop();
      await log.close();
    }
  }
  if (target !== io.stdout) {
    (target as NodeJS.WritableStream).end();
    await once(target, 'finish');
  }

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = { exported: true, source, file: options.out ? resolve(options.out) : undefined, events: events || undefined, signed, seconds, eventsPerSecond: events ? rate(events, seconds) : undefined };
  if (options.out) {
    if (options.json) json(ctx, summary);
    else out(ctx, `Exported ${events ? `${count(events)} events ` : ''}from ${source} to ${summary.file} in ${seconds.toFixed(2)} s${signed ? ', footer signed' : ', footer unsigned (no signing key at hand)'}.`);
  } else {
    note(ctx, `Exported ${events ? `${count(events)} events ` : ''}from ${source} in ${seconds.toFixed(2)} s.`);
  }
  return 0;
}
