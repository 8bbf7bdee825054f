export { ReadModelSnapshots } from './read-model-snapshots';
export type { SnapshotLoad } from './read-model-snapshots';
export { SnapshotSchedule } from './snapshot-schedule';
export type { SnapshotParticipant } from './snapshot-participant';
