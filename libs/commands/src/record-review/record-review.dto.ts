import { CalendarDateField, EnumField, OptionalTextField } from '../http/validators';

export const REVIEW_OUTCOMES = ['continue', 'revise', 'end'] as const;

export class RecordReviewDto {
  @CalendarDateField('The date of the review (aktualitetsprövning), once per term of office', '2019-05-20')
  reviewedOn!: string;

  @EnumField(REVIEW_OUTCOMES, 'What the review concluded', 'revise')
  outcome!: (typeof REVIEW_OUTCOMES)[number];

  @OptionalTextField('A note on the review', 'Payroll moves to Norrköping; procurement returns to each municipality.')
  note?: string;
}
