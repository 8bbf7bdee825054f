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

export const IN_HOUSE: Basis = Object.freeze({ kind: 'in-house' }) as Basis;

export function basisKey(basis: Basis): string {
  return basis.kind === 'in-house' ? 'in-house' : `${basis.kind}:${basis.id}`;
}

/** A successor named by a dissolution, termination or departure (rule 5). */
export interface Successor {
  municipality: string;
  serviceArea: string;
  basis: Basis;
}
