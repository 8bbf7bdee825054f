import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One request of a seed story, or a mark that remembers "now" for later `knownAt` questions. */
export interface ScenarioStep {
  id?: string;
  /** The Idempotency-Key; defaults to `scenario-<scenario>-<step>`. Shared steps share keys across stories. */
  key?: string;
  /** Who acts: a municipality code (its writer key) or `admin`. */
  as?: string;
  method?: 'POST';
  path?: string;
  body?: unknown;
  expect?: { status: number; code?: string; events?: string[] };
  mark?: string;
}

export interface Scenario {
  id: string;
  title: string;
  source: string;
  assumptions: string[];
  steps: ScenarioStep[];
}

export interface StepResult {
  step: ScenarioStep;
  status: number;
  body: { position?: number; events?: { type: string }[]; code?: string; detail?: string };
}

export interface ScenarioRun {
  marks: Record<string, string>;
  results: StepResult[];
  /** The highest log position any step answered with (for read-your-writes). */
  position: number;
}

export interface RunOptions {
  /** Extra headers for a step's actor (e.g. `Authorization`). */
  headersFor?: (as: string | undefined) => Record<string, string>;
  onStep?: (result: StepResult) => void;
}

export function scenarioIds(): string[] {
  return readdirSync(__dirname)
    .filter((f) => /^s\d+\.json$/.test(f))
    .map((f) => f.replace('.json', ''))
    .sort();
}

export function loadScenario(id: string): Scenario {
  if (!scenarioIds().includes(id)) throw new Error(`No scenario '${id}'. Known: ${scenarioIds().join(', ')}`);
  return JSON.parse(readFileSync(join(__dirname, `${id}.json`), 'utf8')) as Scenario;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends every step to a running service and checks each answer against the step's `expect`. */
export async function runScenario(baseUrl: string, scenario: Scenario, options: RunOptions = {}): Promise<ScenarioRun> {
  const run: ScenarioRun = { marks: {}, results: [], position: 0 };
  for (const step of scenario.steps) {
    if (step.mark) {
      // Recording times have millisecond resolution: keep the mark strictly between its neighbours.
      await sleep(5);
      run.marks[step.mark] = new Date().toISOString();
      await sleep(5);
      continue;
    }
    const response = await fetch(`${baseUrl}${step.path}`, {
      method: step.method ?? 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': step.key ?? `scenario-${scenario.id}-${step.id}`,
        'x-source-system': `scenario-${scenario.id}`,
        ...(options.headersFor?.(step.as) ?? {}),
      },
      body: JSON.stringify(step.body),
    });
    const body = (await response.json()) as StepResult['body'];
    const result: StepResult = { step, status: response.status, body };
    run.results.push(result);
    options.onStep?.(result);
    if (typeof body.position === 'number') run.position = Math.max(run.position, body.position);
    const expected = step.expect ?? { status: 201 };
    const types = (body.events ?? []).map((e) => e.type);
    const wrong =
      response.status !== expected.status ||
      (expected.code !== undefined && body.code !== expected.code) ||
      (expected.events !== undefined && JSON.stringify(types) !== JSON.stringify(expected.events));
    if (wrong) {
      throw new Error(`${scenario.id}/${step.id}: expected ${JSON.stringify(expected)}, got ${response.status} ${JSON.stringify(body)}`);
    }
  }
  return run;
}
