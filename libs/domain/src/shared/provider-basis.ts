import { refuseFields } from './domain-error';

/** What a provision rests on. The provider follows from it. */
export type Basis =
  | { kind: 'in-house' }
  | { kind: 'federation'; id: string }
  | { kind: 'joint-committee'; id: string }
  | { kind: 'agreement'; id: string };

export type BasisKind = Basis['kind'];

/** Who performs a service. Regions may provide under agreements but never receive provisions. */
export type ProviderRef =
  | { kind: 'municipality'; code: string }
  | { kind: 'federation'; id: string }
  | { kind: 'region'; code: string };

export const IN_HOUSE: Basis = Object.freeze({ kind: 'in-house' });

export function basisKey(basis: Basis): string {
  return basis.kind === 'in-house' ? 'in-house' : `${basis.kind}:${basis.id}`;
}

/** A successor named by a dissolution, termination or departure (rule 5). */
export interface Successor {
  municipality: string;
  serviceArea: string;
  basis: Basis;
}

/** A decision names at most one successor per municipality and service area (a 400 on `successors`). */
export function assertDistinctSuccessors(successors: readonly Successor[]): void {
  if (new Set(successors.map((s) => `${s.municipality}/${s.serviceArea}`)).size < successors.length) {
    refuseFields([{ field: 'successors', message: 'successors must name each municipality and service area at most once' }]);
  }
}
