import { Decider, fold } from '../shared/decider';
import { DomainError, DomainErrorCode } from '../shared/domain-error';

/**
 * Given/when/then for deciders (after emmett's DeciderSpecification):
 *
 *   spec(federationDecider).given([formed]).when(leave).then([memberLeft]);
 *   spec(federationDecider).given([formed]).when(leave).thenRefuses('too-few-members');
 *   spec(federationDecider).given([]).when(leave).thenRefuses('validation-failed', ['successors']);
 *
 * `given` folds the events into a state with the decider's own `evolve`; `when` decides the
 * command on that state. Only call `then`/`thenRefuses` on the result: do not `await` or
 * `return` it from a test (an object with a `then` method looks like a promise).
 */
export function spec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: Event[]) {
      return {
        when(command: Command) {
          const decide = () => decider.decide(command, fold(decider, events));
          return {
            /** The command is accepted and produces exactly these events, in this order. */
            then(expected: Event[]): void {
              expect(decide()).toEqual(expected);
            },
            /** The command is refused with a DomainError carrying exactly this code (and, when given, naming exactly these fields). */
            thenRefuses(code: DomainErrorCode, fields?: string[]): void {
              let produced: Event[];
              try {
                produced = decide();
              } catch (error) {
                if (!(error instanceof DomainError)) throw error;
                expect({ code: error.code, detail: error.detail }).toEqual({ code, detail: expect.any(String) as unknown }); // jest types its matchers `any`
                if (fields) expect(error.errors?.map((e) => e.field)).toEqual(fields);
                return;
              }
              throw new Error(`Expected a refusal '${code}', but the command was accepted with ${JSON.stringify(produced)}`);
            },
          };
        },
      };
    },
  };
}
