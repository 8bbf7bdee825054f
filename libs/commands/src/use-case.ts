/**
 * What a use case is built from. Each folder holds one, in `<use-case>.controller.ts`: its DTO
 * (the fields, written once: validation, the OpenAPI schema and the command's values come from
 * it), its command, its handler and its route. The handler gathers the facts the decider needs
 * (the catalog, other streams) and runs the one command path; the decider refuses or decides.
 */
import { Inject, Injectable, Type } from '@nestjs/common';
import { Command, CommandHandler } from '@nestjs/cqrs';
import { agreementDecider, federationDecider, municipalityDecider, serviceAreaDecider, streams, studyDecider } from '@samverkan/domain';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { ArrangementLoader } from './arrangements/arrangement-loader';
import { Catalog } from './catalog';
import { CommandContext } from './command-path/command-context';
import { CommandPath } from './command-path/command-path';
import { CommandResult } from './command-path/command-result';

export { idSpace } from './arrangements/arrangement-loader';
export { generatedArrangementId } from './arrangements/generated-id';
export { actsForAll, actsForAny, currentMembers } from './command-path/acting-for';
export { derivedId } from './command-path/command-context';
export type { CommandContext } from './command-path/command-context';
export { CommandCtx } from './http/command-context.decorator';
export { CommandRoute, CommandSender, IdParam, MunicipalityCodeParam } from './http/command-route';

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

/** What a handler works with: the log, the one command path, the arrangements it reads and the catalog. */
@Injectable()
export class UseCaseTools {
  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    readonly path: CommandPath,
    readonly arrangements: ArrangementLoader,
    readonly catalog: Catalog,
  ) {}
}

/** A use case's handler, to which @nestjs/cqrs dispatches `command`: `handle` gathers the decider's facts and runs the command path. */
export function handler<C extends Command<CommandResult>>(command: Type<C>, handle: (command: C, tools: UseCaseTools) => Promise<CommandResult>): Type<{ execute(command: C): Promise<CommandResult> }> {
  @CommandHandler(command)
  class UseCaseHandler {
    constructor(private readonly tools: UseCaseTools) {}

    execute(received: C): Promise<CommandResult> {
      return handle(received, this.tools);
    }
  }
  return Object.defineProperty(UseCaseHandler, 'name', { value: command.name.replace(/Command$/, 'Handler') });
}

/** The stream a command is decided on, with its decider and the id the answer names: `...on.agreement(id)`. */
export const on = {
  municipality: (id: string) => ({ id, stream: streams.municipality(id), decider: municipalityDecider }),
  serviceArea: (id: string) => ({ id, stream: streams.serviceArea(id), decider: serviceAreaDecider }),
  federation: (id: string) => ({ id, stream: streams.federation(id), decider: federationDecider }),
  agreement: (id: string) => ({ id, stream: streams.agreement(id), decider: agreementDecider }),
  study: (id: string) => ({ id, stream: streams.study(id), decider: studyDecider }),
};
