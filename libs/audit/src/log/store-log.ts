import type { EventStore, RecordedEvent } from '@samverkan/event-store';
import { PublicKeyRing } from '../signing/signing-key';
import { CHECKPOINT_STREAM } from '../verification/checkpoint';
import { LogVerifier, LogVerifierOptions, VerifyReport } from '../verification/log-verifier';

export const DEFAULT_PAGE_SIZE = 5000;

/** Progress of a long read: events so far, and the position reached out of the head. */
export type ProgressListener = (progress: { events: number; position: number; head: number }) => void;

/**
 * The log in commit order, one page at a time, from after `after` up to `upTo` inclusive
 * (default: the head when the read starts, so appends made meanwhile are left for later).
 */
export async function* readPages(store: EventStore, options: { after?: number; upTo?: number; pageSize?: number } = {}): AsyncGenerator<RecordedEvent[]> {
  const upTo = options.upTo ?? (await store.headPosition());
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  let after = options.after ?? 0;
  while (after < upTo) {
    const page = await store.readAll({ after, maxCount: pageSize });
    if (page.length === 0) return;
    const last = page[page.length - 1].position;
    if (last > upTo) {
      const within = page.filter((e) => e.position <= upTo);
      if (within.length > 0) yield within;
      return;
    }
    yield page;
    after = last;
  }
}

export interface VerifyStoreOptions extends Omit<LogVerifierOptions, 'checkpoints' | 'publicKeys'> {
  publicKeys?: PublicKeyRing;
  pageSize?: number;
  onProgress?: ProgressListener;
}

/**
 * Verifies a whole store: the checkpoint stream is read first (it is small), then the log in
 * commit order up to the head as it was when verification began.
 */
export async function verifyStore(store: EventStore, options: VerifyStoreOptions = {}): Promise<VerifyReport & { seconds: number }> {
  const started = process.hrtime.bigint();
  const head = await store.headPosition();
  const checkpoints = (await store.readStream(CHECKPOINT_STREAM)).filter((e) => e.position <= head);
  const verifier = new LogVerifier({ ...options, checkpoints });
  let events = 0;
  for await (const page of readPages(store, { upTo: head, pageSize: options.pageSize })) {
    for (let i = 0; i < page.length; i++) verifier.add(page[i]);
    events += page.length;
    options.onProgress?.({ events, position: page[page.length - 1].position, head });
  }
  return { ...verifier.finish(), seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
