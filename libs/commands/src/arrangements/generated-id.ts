import { CommandContext, derivedId } from '../command-path/command-context';

/**
 * An id for a create that came without one: `<kind>-<12 hex>` from the command id, so a
 * retry with the same Idempotency-Key lands on the same stream.
 */
export function generatedArrangementId(context: CommandContext, kind: 'federation' | 'agreement' | 'study'): string {
  return `${kind}-${derivedId(context, `generated-${kind}-id`).replace(/-/g, '').slice(0, 12)}`;
}
