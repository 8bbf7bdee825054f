import { CalendarDateField, IdField, TextField } from '../http/validators';

export class ScheduleMilestoneDto {
  @IdField('The milestone id, unique within the study', 'interim-report')
  id!: string;

  @TextField('Title', 'Interim report to the steering group')
  title!: string;

  @CalendarDateField('The date it is due; unreached after it, it is on the attention list', '2019-06-30')
  due!: string;
}
