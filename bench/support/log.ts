import { SingleBar } from 'cli-progress';

const started = Date.now();

/** Progress and notes go to stderr (the table goes to stdout), stamped with the time since start. */
export function log(message: string): void {
  process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

export interface Progress {
  /** Sets the absolute value. */
  update(value: number): void;
  stop(): void;
}

/**
 * A progress bar when stderr is a terminal (cli-progress), plain log lines otherwise: one
 * every 10 % of the total (and at the end), so a log file stays short.
 */
export function progress(label: string, total: number, unit: string): Progress {
  const begun = Date.now();
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${label.padEnd(28)} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
      stream: process.stderr,
    });
    bar.start(total, 0, { rate: '0' });
    let stopped = false;
    return {
      update(value) {
        const elapsed = (Date.now() - begun) / 1000;
        bar.update(value, { rate: elapsed > 0 ? Math.round(value / elapsed).toLocaleString('en-US') : '0' });
      },
      stop() {
        if (stopped) return;
        stopped = true;
        bar.stop();
        log(`${label}: done in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
      },
    };
  }
  let nextDecile = 1;
  let last = 0;
  let stopped = false;
  return {
    update(value) {
      last = value;
      if (total <= 0 || nextDecile >= 10 || value < (total * nextDecile) / 10) return;
      while (nextDecile < 10 && value >= (total * nextDecile) / 10) nextDecile++;
      log(`${label}: ${Math.floor((value / total) * 100)}% (${value.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${unit})`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      log(`${label}: done, ${last.toLocaleString('en-US')} ${unit} in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    },
  };
}

/** A bar over wall-clock seconds for a time-bounded run (an HTTP load); off a terminal, one line at each end. */
export function timed(label: string, seconds: number): Progress {
  const begun = Date.now();
  if (!process.stderr.isTTY) {
    log(`${label}: running for ${seconds} s`);
    return { update: () => undefined, stop: () => log(`${label}: done in ${((Date.now() - begun) / 1000).toFixed(1)} s`) };
  }
  const bar = progress(label, seconds, 's');
  const timer = setInterval(() => bar.update(Math.min(seconds, Math.floor((Date.now() - begun) / 1000))), 250);
  timer.unref();
  return {
    update: (value) => bar.update(value),
    stop() {
      clearInterval(timer);
      bar.update(seconds);
      bar.stop();
    },
  };
}
