import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { agreementDecider, streams } from '@samverkan/domain';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface ExtendAgreementInput {
  validUntil: string;
  decidedOn: string;
}

export class ExtendAgreementCommand {
  constructor(
    readonly agreementId: string,
    readonly input: ExtendAgreementInput,
    readonly context: CommandContext,
  ) {}
}

/** Moves the end of an agreement's term later, so provisions resting on it do not lapse (rule 4). */
@CommandHandler(ExtendAgreementCommand)
export class ExtendAgreementHandler implements ICommandHandler<ExtendAgreementCommand, CommandResult> {
  constructor(private readonly path: CommandPath) {}

  async execute({ agreementId, input, context }: ExtendAgreementCommand): Promise<CommandResult> {
    return this.path.run({
      decider: agreementDecider,
      stream: streams.agreement(agreementId),
      id: agreementId,
      context,
      actsFor: (state) => actsForAny(state.parties, 'extend it as one of its parties'),
      command: () => ({ type: 'ExtendAgreement' as const, validUntil: input.validUntil, decidedOn: input.decidedOn }),
    });
  }
}
