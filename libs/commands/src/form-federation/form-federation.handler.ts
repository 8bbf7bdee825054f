import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { federationDecider, streams } from '@samverkan/domain';
import { ArrangementLoader, idSpaceLock } from '../arrangements/arrangement-loader';
import { Catalog } from '../catalog';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';
import { generatedArrangementId } from '../arrangements/generated-id';
import { FormFederationDto } from './form-federation.dto';

export class FormFederationCommand {
  constructor(
    readonly body: FormFederationDto,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(FormFederationCommand)
export class FormFederationHandler implements ICommandHandler<FormFederationCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly arrangements: ArrangementLoader,
    private readonly catalog: Catalog,
  ) {}

  async execute({ body, context }: FormFederationCommand): Promise<CommandResult> {
    const id = body.id ?? generatedArrangementId(context, 'federation');
    this.catalog.assertKnown({ municipalities: [...body.members, ...(body.host ? [body.host] : [])], serviceAreas: body.serviceAreas });
    return this.path.run({
      decider: federationDecider,
      stream: streams.federation(id),
      id,
      context,
      actsFor: () => actsForAny(body.members, 'form an arrangement that does not include it'),
      locks: [idSpaceLock(id)],
      command: async (state) => {
        if (state.status === 'none') await this.arrangements.assertIdFree(id);
        return { type: 'FormFederation' as const, ...body, id };
      },
    });
  }
}
