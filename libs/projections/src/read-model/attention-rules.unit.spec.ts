import fc from 'fast-check';
import { ATTENTION_ORDER, compareAttention, compareSubjects } from './attention-rules';
import type { AttentionItem } from './types';
import type { RegisterReadModel } from '../register-read-model';
import { EventFeed, given } from './testing/event-feed';

const LKP = '0580';
const NKP = '0581';

const feed = new EventFeed();
const recorded = feed.recorded;

const formed = (id: string, effectiveFrom: string) => recorded(`federation-${id}`, 'FederationFormed', { id, name: id, form: 'federation', members: [LKP, NKP], serviceAreas: ['payroll'], decidedOn: effectiveFrom, effectiveFrom });
const dissolved = (id: string, effectiveFrom: string) => recorded(`federation-${id}`, 'FederationDissolved', { id, decidedOn: effectiveFrom, effectiveFrom, successors: [] });
const reviewed = (stream: string, id: string, reviewedOn: string) => recorded(stream, 'ReviewRecorded', { id, reviewedOn, outcome: 'continue' });
const proposed = (id: string, validFrom: string, kind = 'cooperation') =>
  recorded(`agreement-${id}`, 'AgreementProposed', { id, kind, title: id, parties: [LKP, NKP], otherParties: [], buyers: [], serviceAreas: ['payroll'], validFrom, councilApprovalRequired: false });
const concluded = (id: string, concludedOn: string) => recorded(`agreement-${id}`, 'AgreementConcluded', { id, concludedOn });
const rejected = (id: string, rejectedOn: string) => recorded(`agreement-${id}`, 'AgreementRejected', { id, rejectedOn, municipality: LKP });

const overdue = (model: RegisterReadModel, on: string, knownAtMs?: number) => model.attention(on, knownAtMs).filter((i) => i.kind === 'review-overdue');

describe('decision: reviews are due per full term', () => {
  it('given a federation formed mid-term (2016), when the term 2014–2018 ends, then no review is due for it', () => {
    const model = given(formed('fed', '2016-01-01'));
    expect(overdue(model, '2018-10-15')).toEqual([]);
    expect(overdue(model, '2022-10-14')).toEqual([]);
  });

  it('given a federation formed mid-term, when the next full term (2018–2022) ends without a review, then it is overdue, with the item as before', () => {
    const model = given(formed('fed', '2016-01-01'));
    expect(overdue(model, '2022-10-15')).toEqual([
      {
        kind: 'review-overdue',
        subject: 'federation:fed',
        detail: "'fed' was not reviewed during the term of office 2018-10-15 to 2022-10-14.",
        due: '2022-10-14',
        facts: { arrangement: { kind: 'federation', id: 'fed' }, term: { start: '2018-10-15', end: '2022-10-14' } },
      },
    ]);
  });

  it('given a federation formed on the first day of a term (2018-10-15), then that term is due', () => {
    const model = given(formed('fed', '2018-10-15'));
    expect(overdue(model, '2022-10-15')).toHaveLength(1);
  });

  it('given a federation formed the day after a term began (2018-10-16), then that term is not due', () => {
    const model = given(formed('fed', '2018-10-16'));
    expect(overdue(model, '2022-10-15')).toEqual([]);
    expect(overdue(model, '2026-10-15')).toHaveLength(1);
  });

  it('given a review within the full term, then it is not overdue', () => {
    const model = given(formed('fed', '2016-01-01'), reviewed('federation-fed', 'fed', '2022-10-14'));
    expect(overdue(model, '2022-10-15')).toEqual([]);
  });

  it('given a review before the term began, then it does not count for the term', () => {
    const model = given(formed('fed', '2016-01-01'), reviewed('federation-fed', 'fed', '2018-10-14'));
    expect(overdue(model, '2022-10-15')).toHaveLength(1);
  });

  it('given a federation dissolved after the term ended, then it is not overdue once dissolved', () => {
    const model = given(formed('fed', '2010-01-01'), dissolved('fed', '2020-01-01'));
    expect(overdue(model, '2019-01-01')).toHaveLength(1);
    expect(overdue(model, '2020-01-01')).toEqual([]);
  });

  it('given an agreement in force from 2016 (concluded mid-term), then 2014–2018 is not due and 2018–2022 is', () => {
    const model = given(proposed('agr', '2016-01-01'), concluded('agr', '2016-01-01'));
    expect(overdue(model, '2018-10-15')).toEqual([]);
    expect(overdue(model, '2022-10-15')).toEqual([expect.objectContaining({ subject: 'agreement:agr', due: '2022-10-14' })]);
  });

  it('given a retroactive agreement concluded after the term began, valid from before it, then that term counts as entered mid-way (in force as it stood on the first day)', () => {
    const model = given(proposed('agr', '2018-01-01'), concluded('agr', '2019-03-01'));
    expect(overdue(model, '2022-10-15')).toEqual([]);
    expect(overdue(model, '2026-10-15')).toHaveLength(1);
  });

  it('given a rejected agreement, then it is never due', () => {
    const model = given(proposed('no', '2010-01-01'), rejected('no', '2009-12-01'));
    for (const on of ['2014-10-15', '2018-10-15', '2022-10-15', '2030-10-15']) expect(overdue(model, on)).toEqual([]);
  });

  it('given a review recorded after T, when asked as known at T, then it is overdue as the register knew it', () => {
    feed.reset();
    const form = formed('fed', '2016-01-01');
    const T = feed.now + 30_000;
    const model = given(form, reviewed('federation-fed', 'fed', '2020-05-01'));
    expect(overdue(model, '2022-10-15', T)).toHaveLength(1);
    expect(overdue(model, '2022-10-15')).toEqual([]);
  });
});

describe("the attention list's order", () => {
  const sign = (n: number): number => Math.sign(n);
  const subjectChar = fc.constantFrom(...'-/0123456789:abcdefghijklmnopqrstuvwxyz');
  const subject = fc.oneof(
    fc.stringOf(subjectChar, { maxLength: 12 }),
    fc.tuple(fc.constantFrom('agreement', 'federation', 'joint-committee', 'study'), fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,8}$/)).map(([kind, id]) => `${kind}:${id}`),
    fc.tuple(fc.stringMatching(/^\d{4}$/), fc.stringMatching(/^[a-z][a-z-]{0,8}$/)).map(([code, area]) => `${code}/${area}`),
    fc.string({ maxLength: 8 }),
  );

  it('property: subjects are compared as localeCompare compares them (by code units only where that is the same)', () => {
    fc.assert(fc.property(subject, subject, (a, b) => expect(sign(compareSubjects(a, b))).toBe(sign(a.localeCompare(b)))), { numRuns: 5000 });
  });

  it('property: items are ordered by kind, then due day, then subject, as the comparison by localeCompare orders them', () => {
    const kind = fc.constantFrom(...(Object.keys(ATTENTION_ORDER) as (keyof typeof ATTENTION_ORDER)[]));
    const day = fc.option(fc.date({ min: new Date('1990-01-01'), max: new Date('2060-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), { nil: undefined });
    const item = fc.record({ kind, subject, due: day }).map(({ due, ...rest }): AttentionItem => ({ ...rest, detail: '', facts: {}, ...(due ? { due } : {}) }));
    const before = (a: AttentionItem, b: AttentionItem): number => ATTENTION_ORDER[a.kind] - ATTENTION_ORDER[b.kind] || (a.due ?? '').localeCompare(b.due ?? '') || a.subject.localeCompare(b.subject);
    fc.assert(fc.property(fc.array(item, { maxLength: 40 }), (items) => expect([...items].sort(compareAttention)).toEqual([...items].sort(before))), { numRuns: 500 });
  });
});
