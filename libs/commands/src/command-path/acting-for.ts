import { FederationState } from '@samverkan/domain';
import { CommandContext } from './command-context';

/** The key may not act for the municipalities a command acts for (403). */
export class ForbiddenError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ForbiddenError';
  }
}

/**
 * Whom a command acts for: `all` of these municipalities (sign as, transfer for, join as…)
 * or `any` one of them (create an arrangement that includes one; dissolve or terminate as a member).
 */
export interface ActsFor {
  mode: 'all' | 'any';
  municipalities: readonly string[];
  /** What the command does, for the refusal's detail. */
  doing: string;
}

/**
 * Checks a writer's municipality scope (every requirement given must hold); a context without a scope
 * (admin, open mode, process managers) may act for anyone.
 */
export function assertActsFor(context: CommandContext, required: ActsFor | readonly ActsFor[]): void {
  const scope = context.actingFor;
  if (scope === undefined) return;
  const held = new Set(scope);
  for (const actsFor of ([] as readonly ActsFor[]).concat(required)) assertHeld(context, held, actsFor);
}

function assertHeld(context: CommandContext, held: ReadonlySet<string>, actsFor: ActsFor): void {
  if (actsFor.mode === 'all') {
    const missing = actsFor.municipalities.filter((m) => !held.has(m));
    if (missing.length > 0) throw new ForbiddenError(`The key '${context.actor}' does not act for ${missing.join(', ')}, which it needs to ${actsFor.doing}.`);
    return;
  }
  if (!actsFor.municipalities.some((m) => held.has(m))) {
    throw new ForbiddenError(`The key '${context.actor}' acts for none of ${actsFor.municipalities.join(', ') || '(no municipality)'}, so it may not ${actsFor.doing}.`);
  }
}

export function actsForAll(municipalities: readonly string[], doing: string): ActsFor {
  return { mode: 'all', municipalities, doing };
}

export function actsForAny(municipalities: readonly string[], doing: string): ActsFor {
  return { mode: 'any', municipalities, doing };
}

/** The members of a federation or joint committee whose membership is open. */
export function currentMembers(state: FederationState): string[] {
  return state.memberships.filter((m) => m.until === undefined).map((m) => m.municipality);
}
