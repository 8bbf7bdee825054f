import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, RecordReview, ReviewOutcome, agreementDecider, federationDecider, streams } from '@samverkan/domain';
import { ArrangementLoader } from '../arrangements/arrangement-loader';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny, currentMembers } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface RecordReviewInput {
  reviewedOn: string;
  outcome: ReviewOutcome;
  note?: string;
}

export class RecordReviewCommand {
  constructor(
    readonly arrangementId: string,
    readonly input: RecordReviewInput,
    readonly context: CommandContext,
  ) {}
}

/** A review (aktualitetsprövning) of a federation, joint committee or agreement, recorded on its own stream. */
@CommandHandler(RecordReviewCommand)
export class RecordReviewHandler implements ICommandHandler<RecordReviewCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly arrangements: ArrangementLoader,
  ) {}

  async execute({ arrangementId: id, input, context }: RecordReviewCommand): Promise<CommandResult> {
    const command = (): RecordReview => ({ type: 'RecordReview', reviewedOn: input.reviewedOn, outcome: input.outcome, ...(input.note !== undefined ? { note: input.note } : {}) });
    switch (await this.arrangements.kindOf(id)) {
      case 'federation':
        return this.path.run({ decider: federationDecider, stream: streams.federation(id), id, context, command, actsFor: (state) => actsForAny(currentMembers(state), 'review it as one of its members') });
      case 'agreement':
        return this.path.run({ decider: agreementDecider, stream: streams.agreement(id), id, context, command, actsFor: (state) => actsForAny(state.parties, 'review it as one of its parties') });
      default:
        throw new DomainError('not-found', `There is no federation, joint committee or agreement '${id}' to review.`);
    }
  }
}
