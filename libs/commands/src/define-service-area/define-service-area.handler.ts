import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, serviceAreaDecider, streams } from '@samverkan/domain';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface DefineServiceAreaInput {
  slug: string;
  nameSv: string;
  nameEn: string;
}

export class DefineServiceAreaCommand {
  constructor(
    readonly input: DefineServiceAreaInput,
    readonly context: CommandContext,
  ) {}
}

/** Adds a service area to the vocabulary (it can only grow); a slug that exists is refused. */
@CommandHandler(DefineServiceAreaCommand)
export class DefineServiceAreaHandler implements ICommandHandler<DefineServiceAreaCommand, CommandResult> {
  constructor(private readonly path: CommandPath) {}

  async execute({ input, context }: DefineServiceAreaCommand): Promise<CommandResult> {
    const exists = (): never => {
      throw new DomainError('already-exists', `The service area '${input.slug}' is already defined.`);
    };
    return this.path.run({
      decider: serviceAreaDecider,
      stream: streams.serviceArea(input.slug),
      id: input.slug,
      context,
      actsFor: () => actsForAny([], 'define service areas (an admin task)'),
      // The stream is the authority, not the catalog (which may lag the log), and it is only asked after the
      // Idempotency-Key, so a retry gets its first answer. The decider itself treats a redefinition as a no-op.
      command: (state) => (state.defined ? exists() : { type: 'DefineServiceArea' as const, slug: input.slug, nameSv: input.nameSv, nameEn: input.nameEn }),
    });
  }
}
