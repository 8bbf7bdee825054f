import { Decider } from '../shared/decider';
import { refuse } from '../shared/domain-error';
import { spec } from './decider-spec';

/** A counter that refuses to go above a limit: enough to check the helper itself fails when it should. */
type Command = { type: 'Add'; amount: number } | { type: 'Crash' };
type Event = { type: 'Added'; amount: number };
const counter: Decider<Command, Event, number> = {
  decide(command, total) {
    if (command.type === 'Crash') throw new TypeError('not a domain refusal');
    if (total + command.amount > 10) refuse('validation-failed', 'Too much.');
    return [{ type: 'Added', amount: command.amount }];
  },
  evolve: (total, event) => total + event.amount,
  initialState: 0,
};

describe('spec(decider).given().when()', () => {
  it('then: passes when the decided events are exactly the expected ones, folding the given events first', () => {
    spec(counter).given([{ type: 'Added', amount: 4 }]).when({ type: 'Add', amount: 6 }).then([{ type: 'Added', amount: 6 }]);
  });

  it('then: fails on other events', () => {
    expect(() => spec(counter).given([]).when({ type: 'Add', amount: 1 }).then([{ type: 'Added', amount: 2 }])).toThrow();
  });

  it('then: fails when the command is refused', () => {
    expect(() => spec(counter).given([{ type: 'Added', amount: 10 }]).when({ type: 'Add', amount: 1 }).then([])).toThrow('Too much.');
  });

  it('thenRefuses: passes on a DomainError with that code', () => {
    spec(counter).given([{ type: 'Added', amount: 10 }]).when({ type: 'Add', amount: 1 }).thenRefuses('validation-failed');
  });

  it('thenRefuses: fails on another code', () => {
    expect(() => spec(counter).given([{ type: 'Added', amount: 10 }]).when({ type: 'Add', amount: 1 }).thenRefuses('not-found')).toThrow();
  });

  it('thenRefuses: fails when the command is accepted, saying what it produced', () => {
    expect(() => spec(counter).given([]).when({ type: 'Add', amount: 1 }).thenRefuses('validation-failed')).toThrow(/accepted with .*Added/);
  });

  it('thenRefuses: lets an error that is not a DomainError through', () => {
    expect(() => spec(counter).given([]).when({ type: 'Crash' }).thenRefuses('validation-failed')).toThrow(TypeError);
  });
});
