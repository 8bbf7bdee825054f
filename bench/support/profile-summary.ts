/**
 * Sums a V8 CPU profile (`node --cpu-prof`) per function: self time and inclusive time, as shares
 * of the sampled time, optionally within a window of the run (seconds from the profile's start),
 * so that the first minute of a load can be compared with its last.
 *
 *   npx ts-node --transpile-only bench/support/profile-summary.ts <file.cpuprofile> [--from s] [--to s] [--top n]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionShare {
  name: string;
  selfMs: number;
  selfShare: number;
  inclusiveMs: number;
  inclusiveShare: number;
}

/** Self and inclusive time per function (name and place), within [fromS, toS) of the profile. */
export function summarize(profile: CpuProfile, fromS = 0, toS = Number.POSITIVE_INFINITY): { totalMs: number; functions: FunctionShare[] } {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const label = (node: ProfileNode): string => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/(apps|libs|bench|scripts|node_modules)\//, '$1/');
    return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let elapsedUs = 0;
  let totalUs = 0;
  profile.samples.forEach((sample, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    elapsedUs += delta;
    const at = elapsedUs / 1e6;
    if (at < fromS || at >= toS) return;
    const node = byId.get(sample);
    if (!node || node.callFrame.functionName === '(idle)') return;
    totalUs += delta;
    const name = label(node);
    self.set(name, (self.get(name) ?? 0) + delta);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const ancestor = byId.get(id);
      if (!ancestor) break;
      const ancestorName = label(ancestor);
      if (seen.has(ancestorName)) continue;
      seen.add(ancestorName);
      inclusive.set(ancestorName, (inclusive.get(ancestorName) ?? 0) + delta);
    }
  });
  const functions = [...inclusive.keys()].map((name) => {
    const selfUs = self.get(name) ?? 0;
    const inclusiveUs = inclusive.get(name) ?? 0;
    return { name, selfMs: selfUs / 1e3, selfShare: totalUs ? selfUs / totalUs : 0, inclusiveMs: inclusiveUs / 1e3, inclusiveShare: totalUs ? inclusiveUs / totalUs : 0 };
  });
  return { totalMs: totalUs / 1e3, functions };
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string): number | undefined => {
    const index = args.indexOf(name);
    return index === -1 ? undefined : Number(args[index + 1]);
  };
  const file = args.find((arg, index) => !arg.startsWith('--') && (index === 0 || !args[index - 1].startsWith('--')));
  if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [--from s] [--to s] [--top n]');
  const top = option('--top') ?? 30;
  const { totalMs, functions } = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, option('--from'), option('--to'));
  const pct = (share: number): string => `${(share * 100).toFixed(1).padStart(5)} %`;
  console.log(`busy (sampled, not idle): ${(totalMs / 1000).toFixed(1)} s\n\nself time:`);
  for (const f of [...functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, top)) console.log(`${pct(f.selfShare)}  ${f.name}`);
  console.log('\ninclusive time:');
  for (const f of [...functions].sort((a, b) => b.inclusiveMs - a.inclusiveMs).slice(0, top)) console.log(`${pct(f.inclusiveShare)}  ${f.name}`);
}

if (require.main === module) main();
