import type { BenchConfig, Step } from '../config';
import type { Row } from '../report';

export interface StepResult {
  rows: Row[];
  details: Record<string, unknown>;
}

/** One step of the bench: the rows it produces (known up front, so a skipped or failed step still shows them). */
export interface Workload {
  step: Step;
  title: string;
  rows: Pick<Row, 'id' | 'figure' | 'target'>[];
  /** The rows when they depend on the configuration (the service step has rows per history size); default `rows`. */
  plannedRows?(config: BenchConfig): Pick<Row, 'id' | 'figure' | 'target'>[];
  run(config: BenchConfig): Promise<StepResult>;
}

/** The placeholder rows of a step that did not run. */
export function notRun(workload: Workload, config: BenchConfig, why: string): Row[] {
  const rows = workload.plannedRows?.(config) ?? workload.rows;
  return rows.map((r) => ({ ...r, measured: '—', baseline: '—', ratio: null, result: 'not run' as const, note: why }));
}
