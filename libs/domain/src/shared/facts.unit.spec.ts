import { DomainError } from './domain-error';
import { assertFederationsKnown, assertIdFree, assertKnown, reviewedAs } from './facts';

const refusal = (check: () => void): Pick<DomainError, 'code' | 'detail'> | undefined => {
  try {
    check();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, detail: error.detail };
    throw error;
  }
  return undefined;
};

describe('facts a caller gathers before deciding', () => {
  it('refuses the first unknown municipality, else service area, else region', () => {
    expect(refusal(() => assertKnown({ municipalities: ['9999', '9998'], serviceAreas: ['x'], regions: ['02'] }))).toEqual({ code: 'not-found', detail: 'There is no municipality 9999.' });
    expect(refusal(() => assertKnown({ serviceAreas: ['no-such-area'], regions: ['02'] }))).toEqual({ code: 'not-found', detail: "There is no service area 'no-such-area'." });
    expect(refusal(() => assertKnown({ municipalities: [], regions: ['02'] }))).toEqual({ code: 'not-found', detail: 'There is no region with county code 02.' });
    expect(refusal(() => assertKnown({ federations: ['f'] }))).toBeUndefined();
    expect(refusal(() => assertKnown())).toBeUndefined();
    expect(refusal(() => assertFederationsKnown({ federations: ['f'] }))).toEqual({ code: 'not-found', detail: "There is no federation 'f'." });
  });

  it('names what holds a taken id', () => {
    expect(refusal(() => assertIdFree('x', 'study'))).toEqual({ code: 'already-exists', detail: "The id 'x' is already used by a study." });
    expect(refusal(() => assertIdFree('x', 'agreement'))).toEqual({ code: 'already-exists', detail: "The id 'x' is already used by an agreement." });
    expect(refusal(() => assertIdFree('x', 'federation'))).toEqual({ code: 'already-exists', detail: "The id 'x' is already used by a federation or joint committee." });
    expect(refusal(() => assertIdFree('x', undefined))).toBeUndefined();
  });

  it('reviews federations, joint committees and agreements only', () => {
    expect(reviewedAs('x', 'federation')).toBe('federation');
    expect(reviewedAs('x', 'agreement')).toBe('agreement');
    expect(refusal(() => reviewedAs('x', 'study'))?.code).toBe('not-found');
    expect(refusal(() => reviewedAs('x', undefined))?.code).toBe('not-found');
  });
});
