import { federationDissolved, federationFormed, federationState, LINKOPING, memberLeft, NORRKOPING } from '../testing/fixtures';
import { membershipLastDay } from './federation.state';

const FED = 'fjarde-storstadsregionen';
const lastDays = (events: Parameters<typeof federationState>[0]) => {
  const state = federationState(events);
  return state.memberships.map((m) => ({ municipality: m.municipality, from: m.from, lastDay: membershipLastDay(m, state) }));
};

describe('decision: end dates are inclusive last days, everywhere', () => {
  it('given a member leaves from 2018-01-01, then its membership’s last day is 2017-12-31', () => {
    expect(lastDays([federationFormed(), memberLeft(FED, NORRKOPING, '2018-01-01')])).toEqual([
      { municipality: LINKOPING, from: '2008-01-01', lastDay: null },
      { municipality: NORRKOPING, from: '2008-01-01', lastDay: '2017-12-31' },
    ]);
  });

  it('given the federation is dissolved from 2020-01-01, then every member’s last day is 2019-12-31', () => {
    expect(lastDays([federationFormed(), federationDissolved(FED, '2020-01-01')]).map((m) => m.lastDay)).toEqual(['2019-12-31', '2019-12-31']);
  });

  it('given a member left before the dissolution, then its own departure gives its last day', () => {
    expect(lastDays([federationFormed(), memberLeft(FED, NORRKOPING, '2018-01-01'), federationDissolved(FED, '2020-01-01')]).map((m) => m.lastDay)).toEqual(['2019-12-31', '2017-12-31']);
  });

  it('given neither a departure nor a dissolution, then the membership has no last day', () => {
    expect(lastDays([federationFormed()]).map((m) => m.lastDay)).toEqual([null, null]);
  });
});
