import { AgreementEvent } from './agreement/agreement.events';
import type { SamverkanEvent } from './events';
import { FederationEvent } from './federation/federation.events';
import { MunicipalityEvent } from './municipality/municipality.events';
import { ServiceAreaEvent } from './service-area/service-area';
import { StudyEvent } from './study/study.events';

/**
 * Streams and ids, in one module: every stream is `<category>-<id>`, and each category holds
 * the events of one decider. Stream names are built and parsed here and nowhere else.
 */
export interface StreamEvents {
  municipality: MunicipalityEvent;
  servicearea: ServiceAreaEvent;
  federation: FederationEvent;
  agreement: AgreementEvent;
  study: StudyEvent;
}

export type StreamCategory = keyof StreamEvents;

/** A stream name that knows its category, so the events read from it can be typed without a cast. */
export type StreamName<C extends StreamCategory = StreamCategory> = `${C}-${string}` & { readonly __category?: C };

/** An arrangement id (federation, joint committee, agreement, study), a service-area slug: lower-case letters, digits and hyphens. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
/** An SCB municipality code. */
export const MUNICIPALITY_CODE = /^\d{4}$/;
/** An SCB county (län) code. */
export const COUNTY_CODE = /^\d{2}$/;

const name =
  <C extends StreamCategory>(category: C) =>
  (id: string): StreamName<C> =>
    `${category}-${id}` as StreamName<C>;

/** Stream names: `<category>-<id>`. */
export const streams = {
  municipality: name('municipality'),
  federation: name('federation'),
  agreement: name('agreement'),
  study: name('study'),
  serviceArea: name('servicearea'),
} as const;

/** Federations (and joint committees), agreements and studies: the arrangements, which share one id space. */
export const ARRANGEMENT_CATEGORIES = ['federation', 'agreement', 'study'] as const;
export type ArrangementCategory = (typeof ARRANGEMENT_CATEGORIES)[number];

/** Which event types each category's stream holds; written as records so that a new event type must be placed. */
const EVENT_TYPES_OF: { readonly [C in StreamCategory]: Readonly<Record<StreamEvents[C]['type'], true>> } = {
  municipality: { MunicipalityRegistered: true, ServiceTransferred: true, CorrectionRecorded: true },
  servicearea: { ServiceAreaDefined: true },
  federation: { FederationFormed: true, MemberJoined: true, MemberLeft: true, FederationDissolved: true, ReviewRecorded: true },
  agreement: {
    AgreementProposed: true,
    AgreementSigned: true,
    CouncilDecisionRecorded: true,
    AgreementConcluded: true,
    AgreementRejected: true,
    AgreementExtended: true,
    AgreementTerminated: true,
    ReviewRecorded: true,
  },
  study: { StudyStarted: true, MilestoneScheduled: true, MilestoneReached: true, StudyConcluded: true },
};

const CATEGORIES = Object.keys(EVENT_TYPES_OF) as StreamCategory[];

/** The category and id of a stream name, or undefined when it is not one of the register's streams. */
export function parseStream(stream: string): { category: StreamCategory; id: string } | undefined {
  const dash = stream.indexOf('-');
  if (dash <= 0) return undefined;
  const category = stream.slice(0, dash) as StreamCategory;
  return CATEGORIES.includes(category) && dash < stream.length - 1 ? { category, id: stream.slice(dash + 1) } : undefined;
}

/** The category of a register stream name (`federation-x` → `federation`). */
export function categoryOf<C extends StreamCategory>(stream: StreamName<C>): C {
  const parsed = parseStream(stream);
  if (!parsed) throw new Error(`'${stream}' is not a register stream`);
  return parsed.category as C;
}

/** Whether `event` is one that a `category` stream holds. */
export function belongsTo<C extends StreamCategory>(category: C, event: SamverkanEvent): event is StreamEvents[C] {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES_OF[category], event.type);
}

/** Narrows an event read from `stream` to its category's events; an event of another category there is a corrupt log. */
export function eventOf<C extends StreamCategory>(stream: StreamName<C>, event: SamverkanEvent): StreamEvents[C] {
  const category = categoryOf(stream);
  if (!belongsTo(category, event)) throw new Error(`Event '${event.type}' does not belong on stream '${stream}'`);
  return event;
}
