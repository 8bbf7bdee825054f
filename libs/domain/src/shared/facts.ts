import type { ArrangementCategory } from '../streams';
import { refuse } from './domain-error';

/**
 * What a command names that the register does not know, as the caller found it in its catalog
 * before deciding (deciders do no I/O), each list in the order the command names them. Absent: all known.
 */
export interface Unknowns {
  municipalities?: readonly string[];
  serviceAreas?: readonly string[];
  regions?: readonly string[];
  /** Ids that name no federation (a providing federation). */
  federations?: readonly string[];
}

/** The facts a command carries about the names it mentions. */
export interface CatalogFacts {
  unknown?: Unknowns;
}

/** And a create of an arrangement: which kind of arrangement already holds its id (they share one id space). */
export interface CreateFacts extends CatalogFacts {
  idTakenBy?: ArrangementCategory;
}

/** 404 for the first unknown municipality, else service area, else region. */
export function assertKnown(unknown: Unknowns = {}): void {
  const [code] = unknown.municipalities ?? [];
  if (code !== undefined) refuse('not-found', `There is no municipality ${code}.`);
  const [slug] = unknown.serviceAreas ?? [];
  if (slug !== undefined) refuse('not-found', `There is no service area '${slug}'.`);
  const [region] = unknown.regions ?? [];
  if (region !== undefined) refuse('not-found', `There is no region with county code ${region}.`);
}

/** 404 for the first id that names no federation. */
export function assertFederationsKnown(unknown: Unknowns = {}): void {
  const [id] = unknown.federations ?? [];
  if (id !== undefined) refuse('not-found', `There is no federation '${id}'.`);
}

const HELD_AS = { federation: 'a federation or joint committee', agreement: 'an agreement', study: 'a study' } as const;

/** Federations, joint committees, agreements and studies share one id space: 409 when another arrangement holds `id`. */
export function assertIdFree(id: string, takenBy: ArrangementCategory | undefined): void {
  if (takenBy !== undefined) refuse('already-exists', `The id '${id}' is already used by ${HELD_AS[takenBy]}.`);
}

/** A create of an arrangement: 409 when its own stream holds it already, or another arrangement holds its id. */
export function assertNew(exists: boolean, { id, idTakenBy }: { id: string; idTakenBy?: ArrangementCategory }): void {
  if (exists) refuse('already-exists', `'${id}' already exists.`);
  assertIdFree(id, idTakenBy);
}

/** Reviews are recorded on federations, joint committees and agreements: the category a review of `id` is decided on, from the one that holds it. */
export function reviewedAs(id: string, heldBy: ArrangementCategory | undefined): 'federation' | 'agreement' {
  if (heldBy === 'federation' || heldBy === 'agreement') return heldBy;
  return refuse('not-found', `There is no federation, joint committee or agreement '${id}' to review.`);
}
