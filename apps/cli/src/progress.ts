/** A progress bar with events/s on stderr (cli-progress), only when stderr is a terminal and output is for people. */
export interface Progress {
  /** `done` out of `total` (positions, bytes: whatever measures the way), and how many events so far. */
  update(done: number, total: number, events: number): void;
  stop(): void;
}

interface Bar {
  start(total: number, startValue: number, payload?: Record<string, unknown>): void;
  update(value: number, payload?: Record<string, unknown>): void;
  setTotal(total: number): void;
  stop(): void;
}

// cli-progress ships no type declarations (and @types/cli-progress is not installed).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped module: `import` would need its declarations; require() is given the small type used here
const cliProgress = require('cli-progress') as { SingleBar: new (options: Record<string, unknown>) => Bar };

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

export function progressBar(label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return SILENT;
  const began = Date.now();
  const bar = new cliProgress.SingleBar({
    format: `${label.padEnd(10)} [{bar}] {percentage}% | {events} events | {rate} events/s | {duration_formatted}`,
    hideCursor: true,
    clearOnComplete: false,
    fps: 8,
    stream,
    // Forced with --progress on a stream that is not a terminal (a log file): still draw it.
    noTTYOutput: true,
    notTTYSchedule: 1000,
  });
  let started = false;
  return {
    update(done, total, events) {
      const seconds = (Date.now() - began) / 1000;
      const payload = { events: events.toLocaleString('en-US'), rate: seconds > 0 ? Math.round(events / seconds).toLocaleString('en-US') : '–' };
      if (!started) {
        bar.start(Math.max(total, 1), done, payload);
        started = true;
        return;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
