import { snapshotDue } from './snapshot-schedule';

describe('when a snapshot is due', () => {
  const policy = { every: 1000, idleMs: 1000 };

  it('given fewer events than `every` since the last snapshot, then it is not due, however idle', () => {
    expect(snapshotDue(policy, 999, 60_000)).toBe(false);
  });

  it('given `every` events and a moment without events, then it is due', () => {
    expect(snapshotDue(policy, 1000, 1000)).toBe(true);
  });

  it('given `every` events while events keep arriving, then it waits for a quiet moment', () => {
    expect(snapshotDue(policy, 1999, 10)).toBe(false);
  });

  it('given twice `every` events while events keep arriving, then it is due anyway', () => {
    expect(snapshotDue(policy, 2000, 0)).toBe(true);
  });

  it('given every = 0, then it is never due', () => {
    expect(snapshotDue({ every: 0, idleMs: 0 }, 5, 5000)).toBe(false);
  });
});
