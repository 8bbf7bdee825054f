import { AgreementEvent } from './agreement/agreement.events';
import { FederationEvent } from './federation/federation.events';
import { MunicipalityEvent } from './municipality/municipality.events';
import { ServiceAreaEvent } from './service-area/service-area';
import { StudyEvent } from './study/study.events';

/** Every event the register records. Each module owns its own; this is only their union. */
export type SamverkanEvent = MunicipalityEvent | ServiceAreaEvent | FederationEvent | AgreementEvent | StudyEvent;
export type SamverkanEventType = SamverkanEvent['type'];

/**
 * Event type names are public contract: consumers subscribe to them. Each has an explicit
 * schema version, recorded in every event's metadata. A change to an event's data bumps its
 * version and adds an upcaster below, so old events are read in the current shape.
 */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<SamverkanEventType, number>> = Object.freeze({
  MunicipalityRegistered: 1,
  ServiceAreaDefined: 1,
  ServiceTransferred: 1,
  CorrectionRecorded: 1,
  FederationFormed: 1,
  MemberJoined: 1,
  MemberLeft: 1,
  FederationDissolved: 1,
  ReviewRecorded: 1,
  AgreementProposed: 1,
  AgreementSigned: 1,
  CouncilDecisionRecorded: 1,
  AgreementConcluded: 1,
  AgreementRejected: 1,
  AgreementExtended: 1,
  AgreementTerminated: 1,
  StudyStarted: 1,
  MilestoneScheduled: 1,
  MilestoneReached: 1,
  StudyConcluded: 1,
});

export const EVENT_TYPES = Object.keys(EVENT_SCHEMA_VERSIONS) as SamverkanEventType[];

export function isSamverkanEventType(type: string): type is SamverkanEventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SCHEMA_VERSIONS, type);
}

/** Lifts `data` of `type` from schema version `from` to `from + 1`. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export type UpcasterRegistry = Partial<Record<SamverkanEventType, Record<number, Upcaster>>>;

/**
 * Every event is at version 1 today, so the register ships no upcasters yet; the chain
 * below is what reads an old event once a version is bumped (tested with a registry of
 * its own in events.unit.spec.ts).
 */
export const UPCASTERS: UpcasterRegistry = {};

/**
 * Reads a stored event in today's shape: applies the upcasters from its recorded version
 * to the current one. Unknown types (from a newer writer) are refused rather than guessed.
 */
export function upcast(
  type: string,
  version: number,
  data: Record<string, unknown>,
  registry: UpcasterRegistry = UPCASTERS,
  versions: Readonly<Record<string, number>> = EVENT_SCHEMA_VERSIONS,
): SamverkanEvent {
  if (!Object.prototype.hasOwnProperty.call(versions, type)) throw new Error(`Unknown event type '${type}'`);
  const current = versions[type];
  if (version > current) throw new Error(`Event '${type}' has schema version ${version}, newer than this service's ${current}`);
  let upcasted = data;
  for (let v = version; v < current; v++) {
    const step = registry[type as SamverkanEventType]?.[v];
    if (!step) throw new Error(`No upcaster for '${type}' from version ${v}`);
    upcasted = step(upcasted);
  }
  return { type, data: upcasted } as SamverkanEvent;
}
