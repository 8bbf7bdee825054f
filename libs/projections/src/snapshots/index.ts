export { ReadModelSnapshots, snapshotSchema } from './read-model-snapshots';
export type { SnapshotLoad, SnapshotWrite } from './read-model-snapshots';
export { SnapshotSchedule, STARTUP_TAIL, snapshotDue } from './snapshot-schedule';
export type { SnapshotPolicy } from './snapshot-schedule';
export type { EventFingerprint, ReadModelState, SnapshotParticipant } from './snapshot-participant';
