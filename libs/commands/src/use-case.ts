/**
 * What a use case is built from (each folder holds one: its DTO, command, handler and route, in
 * `<use-case>.controller.ts`). The DTO declares the fields once: validation, the OpenAPI schema and
 * the command's values all come from it. The handler gathers the facts the decider needs (the
 * catalog, other streams) and runs the one command path; the decider refuses or decides.
 */
import { Injectable } from '@nestjs/common';
import { Command, ICommandHandler } from '@nestjs/cqrs';
import { Successor, agreementDecider, federationDecider, municipalityDecider, serviceAreaDecider, streams, studyDecider } from '@samverkan/domain';
import { ArrangementLoader } from './arrangements/arrangement-loader';
import { Catalog } from './catalog';
import { CommandContext } from './command-path/command-context';
import { CommandPath } from './command-path/command-path';
import { CommandResult } from './command-path/command-result';

export { idSpaceLock } from './arrangements/arrangement-loader';
export { generatedArrangementId } from './arrangements/generated-id';
export { actsForAll, actsForAny, currentMembers } from './command-path/acting-for';
export { derivedId } from './command-path/command-context';
export type { CommandContext } from './command-path/command-context';
export { CommandCtx } from './http/command-context.decorator';
export { CommandController, CommandRoute, CommandSender, IdParam, MunicipalityCodeParam } from './http/command-route';

/** The command a create route puts on the bus: the validated body and who sent it. */
export abstract class CreateCommand<B> extends Command<CommandResult> {
  constructor(
    readonly body: B,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The command a route on an existing stream puts on the bus: the path's id, the validated body and who sent it. */
export abstract class StreamCommand<B> extends Command<CommandResult> {
  constructor(
    readonly id: string,
    readonly body: B,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The stream a command is decided on, with its decider and the id the answer names: `...on.agreement(id)`. */
export const on = {
  municipality: (id: string) => ({ id, stream: streams.municipality(id), decider: municipalityDecider }),
  serviceArea: (id: string) => ({ id, stream: streams.serviceArea(id), decider: serviceAreaDecider }),
  federation: (id: string) => ({ id, stream: streams.federation(id), decider: federationDecider }),
  agreement: (id: string) => ({ id, stream: streams.agreement(id), decider: agreementDecider }),
  study: (id: string) => ({ id, stream: streams.study(id), decider: studyDecider }),
};

/** A handler: the one command path, and what it reads to gather the facts a decider needs. */
@Injectable()
export abstract class UseCaseHandler<C extends Command<CommandResult>> implements ICommandHandler<Command<CommandResult>> {
  constructor(
    readonly path: CommandPath,
    readonly arrangements: ArrangementLoader,
    readonly catalog: Catalog,
  ) {}

  abstract execute(command: C): Promise<CommandResult>;

  /** A decision that ends provisions, with the successors it names (rule 5): their bases as they are now, and what the catalog does not know of them. */
  protected async succeededBy(successors: Successor[], municipalities: string[] = []) {
    const unknown = this.catalog.unknown({ municipalities: [...municipalities, ...successors.map((s) => s.municipality)], serviceAreas: successors.map((s) => s.serviceArea) });
    return { successors, successorBases: await this.arrangements.resolve(successors.map((s) => s.basis)), unknown };
  }
}
