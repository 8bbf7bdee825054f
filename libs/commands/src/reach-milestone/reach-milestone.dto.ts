import { CalendarDateField } from '../http/validators';

export class ReachMilestoneDto {
  @CalendarDateField('The date it was reached', '2019-06-14')
  reachedOn!: string;
}
