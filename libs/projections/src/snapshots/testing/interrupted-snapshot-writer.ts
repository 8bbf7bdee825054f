/**
 * The child process of the kill -9 test: starts writing a new 64 MB snapshot over `<file>`,
 * prints `writing <n> bytes` once half of it is in the temporary file, and waits there to be
 * killed. Run: node -r ts-node/register/transpile-only interrupted-snapshot-writer.ts <file>
 */
import { encodeHead, sha256Hex, writeFileAtomically } from '../snapshot-file';

async function main(): Promise<void> {
  const [file] = process.argv.slice(2);
  const payload = Buffer.alloc(64 * 1024 * 1024, 7);
  const last = { id: 'never-finished', stream: 'municipality-t0', revision: 0, position: 1, type: 'Tallied', created: new Date().toISOString() };
  const head = await encodeHead({ schema: 'tally@1', position: 1, last, events: 1, createdAt: new Date().toISOString(), payloadBytes: payload.length, payloadSha256: await sha256Hex(payload) });
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield head;
    yield payload.subarray(0, payload.length / 2);
    process.stdout.write(`writing ${head.length + payload.length} bytes\n`);
    await new Promise(() => setInterval(() => undefined, 1000));
    yield payload.subarray(payload.length / 2);
  }
  await writeFileAtomically(file, chunks());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
