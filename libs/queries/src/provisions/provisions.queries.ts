import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DomainError } from '@samverkan/domain';
import { HistoryEntry, ProjectionRunner, Provision } from '@samverkan/projections';

export class GetProvisionsQuery {
  constructor(readonly code: string, readonly on: string, readonly knownAtMs?: number) {}
}
export class GetProvisionQuery {
  constructor(readonly code: string, readonly area: string, readonly on: string, readonly knownAtMs?: number) {}
}
export class GetProvisionHistoryQuery {
  constructor(readonly code: string, readonly area: string, readonly knownAtMs?: number) {}
}

function assertKnown(runner: ProjectionRunner, code: string, area?: string): void {
  if (!runner.model.hasMunicipality(code)) throw new DomainError('not-found', `There is no municipality ${code}.`);
  if (area !== undefined && !runner.model.hasServiceArea(area)) throw new DomainError('not-found', `There is no service area '${area}'.`);
}

/** What a municipality gets on a date: one provision per service area. */
export interface MunicipalityProvisions {
  municipality: string;
  on: string;
  provisions: Provision[];
}

@QueryHandler(GetProvisionsQuery)
export class GetProvisionsHandler implements IQueryHandler<GetProvisionsQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: GetProvisionsQuery): Promise<MunicipalityProvisions> {
    assertKnown(this.runner, q.code);
    return { municipality: q.code, on: q.on, provisions: this.runner.model.provisions(q.code, q.on, q.knownAtMs) };
  }
}

@QueryHandler(GetProvisionQuery)
export class GetProvisionHandler implements IQueryHandler<GetProvisionQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: GetProvisionQuery): Promise<Provision> {
    assertKnown(this.runner, q.code, q.area);
    return this.runner.model.provision(q.code, q.area, q.on, q.knownAtMs);
  }
}

@QueryHandler(GetProvisionHistoryQuery)
export class GetProvisionHistoryHandler implements IQueryHandler<GetProvisionHistoryQuery> {
  constructor(private readonly runner: ProjectionRunner) {}
  async execute(q: GetProvisionHistoryQuery): Promise<HistoryEntry[]> {
    assertKnown(this.runner, q.code, q.area);
    return this.runner.model.history(q.code, q.area, q.knownAtMs);
  }
}

export const PROVISION_QUERY_HANDLERS = [GetProvisionsHandler, GetProvisionHandler, GetProvisionHistoryHandler];
export { assertKnown };
