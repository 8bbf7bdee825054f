import { CalendarDateField, EnumField, TextField } from '../http/validators';

export const RECOMMENDATIONS = ['proceed', 'partly', 'do-not-proceed'] as const;

export class ConcludeStudyDto {
  @CalendarDateField('The date it was concluded', '2020-12-15')
  concludedOn!: string;

  @EnumField(RECOMMENDATIONS, 'What the study recommends', 'proceed')
  recommendation!: (typeof RECOMMENDATIONS)[number];

  @TextField('A summary of the conclusion', 'Joint physical planning across LA Linköping continues as a standing cooperation.', 2000)
  summary!: string;
}
