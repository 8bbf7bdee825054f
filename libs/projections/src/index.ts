export { ProjectionsModule } from './projections.module';
export { ProjectionRunner, REGISTER_STREAM_PREFIXES } from './projection-runner';
export { decoded } from './decoded-event';
export type { AppliedEvent } from './decoded-event';
export { RegisterReadModel } from './register-read-model';
export type { ArrangementFilter, ArrangementSummary, AttentionItem, HistoryEntry, MunicipalityView, Provision, ServiceAreaView, TimelineEntry } from './register-read-model';
/** The domain's rule, re-exported for the queries and the CLI that show an agreement's status. */
export { agreementStatus } from '@samverkan/domain';
export { basisViewOf } from './read-model/provision-queries';
export { ProvisionChangeTracker } from './provision-changes';
export type { ProvisionChange, ProvisionSpan } from './provision-changes';
export * from './snapshots';
