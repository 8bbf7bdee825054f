import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  /** Logical cores the OS reports. */
  cores: number;
  /** Cores this process may use (cgroup limits included). */
  availableParallelism: number;
  memoryGiB: number;
  node: string;
  os: string;
  sqlite: string;
  betterSqlite3: string;
  gitCommit?: string;
  /** Uncommitted changes in the tree when the bench ran (the bench measures the working tree). */
  gitDirty?: boolean;
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) return `${pretty} (${os.type()} ${os.release()}, ${os.arch()})`;
  } catch {
    // not Linux, or no os-release
  }
  return `${os.type()} ${os.release()} (${os.arch()})`;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const db = new Database(':memory:');
  const sqlite = String(db.prepare('SELECT sqlite_version()').pluck().get());
  db.close();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const status = git(['status', '--porcelain']);
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: osName(),
    sqlite,
    betterSqlite3: (JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')) as { version: string }).version,
    ...(commit ? { gitCommit: commit } : {}),
    ...(status !== undefined ? { gitDirty: status.length > 0 } : {}),
  };
}

/** CPU time of the whole machine (busy, all cores) and of this process with its children, to see what else ran meanwhile. */
export interface CpuSnapshot {
  at: bigint;
  /** Busy seconds of all cores since boot, from /proc/stat; undefined off Linux. */
  machineBusy?: number;
  /** CPU seconds of this process (all its threads) and of its children that have exited (the service step's service, the fan-out clients). */
  own: number;
}

const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux this runs on

/** utime + stime + cutime + cstime from /proc/self/stat (children count once waited for, which Node does on exit); off Linux, this process only. */
function ownCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces: state is the first, utime the 12th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (fields[11] + fields[12] + fields[13] + fields[14]) / CLOCK_TICKS;
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
}

export function cpuSnapshot(): CpuSnapshot {
  let machineBusy: number | undefined;
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    machineBusy = (total - fields[3] - fields[4]) / CLOCK_TICKS;
  } catch {
    machineBusy = undefined;
  }
  return { at: process.hrtime.bigint(), machineBusy, own: ownCpuSeconds() };
}

/**
 * What other processes took while a step ran, as a share of the machine's capacity
 * (0.5 on a 2-core box = one core busy with something else). Undefined off Linux.
 */
export function foreignCpuShare(from: CpuSnapshot, to: CpuSnapshot = cpuSnapshot()): number | undefined {
  if (from.machineBusy === undefined || to.machineBusy === undefined) return undefined;
  const wall = Number(to.at - from.at) / 1e9;
  const foreign = to.machineBusy - from.machineBusy - (to.own - from.own);
  return Math.max(0, foreign / (wall * os.cpus().length));
}
