import { STEPS } from './config';
import { reportName } from './report';

describe('bench results file name', () => {
  it('is the date for a run of every step', () => {
    expect(reportName('2026-12-02', [...STEPS], STEPS)).toBe('2026-12-02');
  });

  it('names the steps of a partial run, in the bench order, so it never overwrites the whole run', () => {
    expect(reportName('2026-12-02', ['two-instances'], STEPS)).toBe('2026-12-02-two-instances');
    expect(reportName('2026-12-02', ['service', 'append'], STEPS)).toBe('2026-12-02-append+service');
  });
});
