import { Body, Post } from '@nestjs/common';
import { reviewedAs } from '@samverkan/domain';
import { CalendarDateField, EnumField, OptionalTextField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAny, currentMembers, handler, on } from '../use-case';

export const REVIEW_OUTCOMES = ['continue', 'revise', 'end'] as const;

export class RecordReviewDto {
  @CalendarDateField('The date of the review (aktualitetsprövning), once per term of office', '2019-05-20') reviewedOn!: string;
  @EnumField(REVIEW_OUTCOMES, 'What the review concluded', 'revise') outcome!: (typeof REVIEW_OUTCOMES)[number];
  @OptionalTextField('A note on the review', 'Payroll moves to Norrköping; procurement returns to each municipality.') note?: string;
}

export class RecordReviewCommand extends StreamCommand<RecordReviewDto> {}

/** A review (aktualitetsprövning) of a federation, joint committee or agreement, recorded on its own stream. */
export const RecordReviewHandler = handler(RecordReviewCommand, async ({ id, body, context }, { path, arrangements }) => {
  const command = () => ({ type: 'RecordReview' as const, ...body });
  if (reviewedAs(id, await arrangements.kindOf(id)) === 'agreement') {
    return path.run({ ...on.agreement(id), context, command, actsFor: (state) => actsForAny(state.parties, 'review it as one of its parties') });
  }
  return path.run({ ...on.federation(id), context, command, actsFor: (state) => actsForAny(currentMembers(state), 'review it as one of its members') });
});

export class RecordReviewController extends CommandSender {
  @Post('v1/arrangements/:id/reviews')
  @CommandRoute('Record a review (aktualitetsprövning) of a federation, joint committee or agreement; one is due every term of office', { ids: { id: 'A federation, joint committee or agreement' } })
  review(@IdParam() id: string, @Body() body: RecordReviewDto, @CommandCtx() context: CommandContext) {
    return this.send(new RecordReviewCommand(id, body, context));
  }
}
