import { CalendarDateField, EnumField, MunicipalityCodeField, OptionalTextField } from '../http/validators';

export const COUNCIL_OUTCOMES = ['approved', 'rejected'] as const;

export class RecordCouncilDecisionDto {
  @MunicipalityCodeField('The party municipality whose council (kommunfullmäktige) decided', '0581')
  municipality!: string;

  @CalendarDateField('The date the council decided', '2019-12-16')
  decidedOn!: string;

  @EnumField(COUNCIL_OUTCOMES, 'Approved or rejected; one rejection means the agreement is never concluded (rule 6)', 'approved')
  outcome!: (typeof COUNCIL_OUTCOMES)[number];

  @OptionalTextField('The minutes reference (§, diary number)', 'KF 2019-12-16 § 212, dnr KS 2019/0987', 300)
  reference?: string;
}
