import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AgreementKind, DomainError, ProviderRef, agreementDecider, streams } from '@samverkan/domain';
import { regionName } from '@samverkan/reference-data';
import { ArrangementLoader, idSpaceLock } from '../arrangements/arrangement-loader';
import { generatedArrangementId } from '../arrangements/generated-id';
import { Catalog } from '../catalog';
import { CommandContext } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';
import { actsForAny } from '../command-path/acting-for';
import { CommandResult } from '../command-path/command-result';

export interface ProposeAgreementInput {
  id?: string;
  kind: AgreementKind;
  title: string;
  parties: string[];
  otherParties: string[];
  provider?: ProviderRef;
  buyers: string[];
  serviceAreas: string[];
  validFrom: string;
  validUntil?: string;
  councilApprovalRequired: boolean;
  decidedOn?: string;
}

export class ProposeAgreementCommand {
  constructor(
    readonly input: ProposeAgreementInput,
    readonly context: CommandContext,
  ) {}
}

/** Proposes a service agreement, a letter of intent or a cooperation agreement; it binds once every party has signed (and approved, if required). */
@CommandHandler(ProposeAgreementCommand)
export class ProposeAgreementHandler implements ICommandHandler<ProposeAgreementCommand, CommandResult> {
  constructor(
    private readonly path: CommandPath,
    private readonly arrangements: ArrangementLoader,
    private readonly catalog: Catalog,
  ) {}

  async execute({ input, context }: ProposeAgreementCommand): Promise<CommandResult> {
    const id = input.id ?? generatedArrangementId(context, 'agreement');
    const { provider } = input;
    this.catalog.assertKnown({
      municipalities: [...input.parties, ...input.buyers, ...(provider?.kind === 'municipality' ? [provider.code] : [])],
      serviceAreas: input.serviceAreas,
    });
    if (provider?.kind === 'region' && regionName(provider.code) === undefined) throw new DomainError('not-found', `There is no region with county code ${provider.code}.`);
    return this.path.run({
      decider: agreementDecider,
      stream: streams.agreement(id),
      id,
      context,
      actsFor: () => actsForAny(input.parties, 'propose an agreement that does not include it'),
      locks: [idSpaceLock(id)],
      command: async (state) => {
        if (state.status === 'none') await this.arrangements.assertIdFree(id);
        if (provider?.kind === 'federation') {
          const federation = (await this.arrangements.federation(provider.id)).state;
          if (federation.status === 'none' || federation.form !== 'federation') throw new DomainError('not-found', `There is no federation '${provider.id}'.`);
        }
        return {
          type: 'ProposeAgreement' as const,
          id,
          kind: input.kind,
          title: input.title,
          parties: input.parties,
          otherParties: input.otherParties,
          ...(provider ? { provider } : {}),
          buyers: input.buyers,
          serviceAreas: input.serviceAreas,
          validFrom: input.validFrom,
          ...(input.validUntil !== undefined ? { validUntil: input.validUntil } : {}),
          councilApprovalRequired: input.councilApprovalRequired,
          ...(input.decidedOn !== undefined ? { decidedOn: input.decidedOn } : {}),
        };
      },
    });
  }
}
