export { ProjectionsModule } from './projections.module';
export { ProjectionRunner, REGISTER_STREAM_PREFIXES } from './projection-runner';
export type { EventObserver } from './projection-runner';
export { RegisterReadModel, agreementStatus, cellKey, ENDING_HORIZON_DAYS } from './register-read-model';
export type {
  ArrangementKind,
  ArrangementSummary,
  AttentionItem,
  AttentionKind,
  BasisView,
  HistoryEntry,
  MunicipalityView,
  Provision,
  ProviderView,
  ServiceAreaView,
  TimelineEntry,
} from './register-read-model';
export { summarize, effectiveDateOf } from './summaries';
export { ProvisionChangeTracker, basisViewOf, changedSpans, defaultSpans, overwriteSpan, sameSpan, spansOf } from './provision-changes';
export type { ProvisionCells, ProvisionChange, ProvisionSpan } from './provision-changes';
export * from './snapshots';
