import { Body, Post } from '@nestjs/common';
import { CalendarDateField, TextField } from '../http/validators';
import { CommandContext, CommandCtx, CommandRoute, CommandSender, IdParam, StreamCommand, actsForAll, handler, on } from '../use-case';

export class SignAgreementDto {
  @TextField("Who signs: a party municipality's code, another party's name, or the providing federation's id", '0580') party!: string;
  @CalendarDateField('The date it was signed', '2019-12-18') signedOn!: string;
}

export class SignAgreementCommand extends StreamCommand<SignAgreementDto> {}

/** Only parties sign, once each; the signature that completes the agreement also concludes it (rule 6). */
export const SignAgreementHandler = handler(SignAgreementCommand, ({ id, body, context }, { path }) =>
  path.run({ ...on.agreement(id), context, actsFor: () => actsForAll([body.party], `sign as ${body.party}`), command: () => ({ type: 'SignAgreement' as const, ...body }) }),
);

export class SignAgreementController extends CommandSender {
  @Post('v1/agreements/:id/signatures')
  @CommandRoute('A party signs the agreement; the last signature or approval needed concludes it (rule 6)', { ids: { id: 'The agreement' } })
  sign(@IdParam() id: string, @Body() body: SignAgreementDto, @CommandCtx() context: CommandContext) {
    return this.send(new SignAgreementCommand(id, body, context));
  }
}
