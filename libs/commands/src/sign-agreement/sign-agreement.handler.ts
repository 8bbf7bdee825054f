import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { agreementDecider, streams } from '@samverkan/domain';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAll } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface SignAgreementInput {
  party: string;
  signedOn: string;
}

export class SignAgreementCommand {
  constructor(
    readonly agreementId: string,
    readonly input: SignAgreementInput,
    readonly context: CommandContext,
  ) {}
}

/** Only parties sign, once each; the signature that completes the agreement also concludes it (rule 6). */
@CommandHandler(SignAgreementCommand)
export class SignAgreementHandler implements ICommandHandler<SignAgreementCommand, CommandResult> {
  constructor(private readonly path: CommandPath) {}

  async execute({ agreementId, input, context }: SignAgreementCommand): Promise<CommandResult> {
    return this.path.run({
      decider: agreementDecider,
      stream: streams.agreement(agreementId),
      id: agreementId,
      context,
      actsFor: () => actsForAll([input.party], `sign as ${input.party}`),
      command: () => ({ type: 'SignAgreement' as const, party: input.party, signedOn: input.signedOn }),
    });
  }
}
