import { spec } from '../testing/decider-spec';
import {
  agreementProposed,
  agreementState,
  concludedAgreement,
  councilDecided,
  extended,
  federationDissolved,
  federationFormed,
  federationState,
  FINSPANG,
  LINKOPING,
  memberJoined,
  memberLeft,
  NORRKOPING,
  resolved,
  signed,
  terminated,
} from '../testing/fixtures';
import { NO_RESOLVED_BASES, ResolvedBases } from '../provisions/coverage';
import { Basis, ProviderRef } from '../shared/provider-basis';
import { AgreementEvent } from '../agreement/agreement.events';
import { municipalityDecider } from './municipality.decider';
import { CorrectTransfer, TransferService } from './municipality.commands';
import { MunicipalityEvent, TransferFacts } from './municipality.events';

const FED = 'fjarde-storstadsregionen';
const JC = 'gemensam-lonenamnd';
const AGR = 'lkp-buys-payroll-2020';
const municipality = spec(municipalityDecider);

const registered: MunicipalityEvent = { type: 'MunicipalityRegistered', data: { code: LINKOPING, name: 'Linköping', countyCode: '05', countyName: 'Östergötlands län' } };

const transfer = (basis: Basis, effectiveFrom: string, bases: ResolvedBases = NO_RESOLVED_BASES, serviceArea = 'payroll', transferId = 't-1'): TransferService => ({
  type: 'TransferService',
  transferId,
  serviceArea,
  basis,
  decidedOn: '2019-11-01',
  effectiveFrom,
  bases,
});

const facts = (basis: Basis, provider: ProviderRef, effectiveFrom: string, serviceArea = 'payroll', transferId = 't-1'): TransferFacts => ({
  transferId,
  municipality: LINKOPING,
  serviceArea,
  basis,
  provider,
  decidedOn: '2019-11-01',
  effectiveFrom,
});

const transferred = (f: TransferFacts): MunicipalityEvent => ({ type: 'ServiceTransferred', data: f });

const fedBasis: Basis = { kind: 'federation', id: FED };
const agrBasis: Basis = { kind: 'agreement', id: AGR };
const formed = federationFormed({ id: FED, members: [LINKOPING, NORRKOPING, FINSPANG] });
const fed = (...more: Parameters<typeof federationState>[0]) => resolved([federationState([formed, ...more])]);
const agr = (events: AgreementEvent[], ...federations: Parameters<typeof federationState>[0][]) => resolved(federations.map(federationState), [agreementState(events)]);
const concludedEvents = concludedAgreement({ id: AGR });

describe('municipality decider: registration', () => {
  it('registers a municipality', () => {
    municipality
      .given([])
      .when({ type: 'RegisterMunicipality', code: LINKOPING, name: 'Linköping', countyCode: '05', countyName: 'Östergötlands län' })
      .then([registered]);
  });

  it('registering again changes nothing (idempotent)', () => {
    municipality.given([registered]).when({ type: 'RegisterMunicipality', code: LINKOPING, name: 'Linköping', countyCode: '05', countyName: 'Östergötlands län' }).then([]);
  });

  it('refuses transfers and corrections for an unregistered municipality', () => {
    municipality.given([]).when(transfer({ kind: 'in-house' }, '2020-01-01')).thenRefuses('not-found');
    municipality.given([]).when({ type: 'CorrectTransfer', transferId: 't-1', reason: 'r', bases: NO_RESOLVED_BASES }).thenRefuses('not-found');
  });
});

describe('municipality decider: transfers on each basis (rule 3)', () => {
  it('in-house: the municipality provides itself', () => {
    municipality.given([registered]).when(transfer({ kind: 'in-house' }, '2020-01-01')).then([transferred(facts({ kind: 'in-house' }, { kind: 'municipality', code: LINKOPING }, '2020-01-01'))]);
  });

  it('refuses a transfer id that is already recorded', () => {
    municipality.given([registered, transferred(facts({ kind: 'in-house' }, { kind: 'municipality', code: LINKOPING }, '2020-01-01'))]).when(transfer({ kind: 'in-house' }, '2021-01-01')).thenRefuses('already-exists');
  });

  it('carries successorOf when a process manager records a successor', () => {
    const successorOf = { stream: `federation-${FED}`, eventId: 'e-1', type: 'FederationDissolved' };
    municipality
      .given([registered])
      .when({ ...transfer({ kind: 'in-house' }, '2020-01-01'), successorOf })
      .then([transferred({ ...facts({ kind: 'in-house' }, { kind: 'municipality', code: LINKOPING }, '2020-01-01'), successorOf })]);
  });

  describe('federation', () => {
    it('accepts a member whose charter lists the area; the federation provides', () => {
      municipality.given([registered]).when(transfer(fedBasis, '2008-01-01', fed())).then([transferred(facts(fedBasis, { kind: 'federation', id: FED }, '2008-01-01'))]);
    });

    it('refuses an area the charter does not list', () => {
      municipality.given([registered]).when(transfer(fedBasis, '2010-01-01', fed(), 'rescue-services')).thenRefuses('area-not-covered');
    });

    it('refuses a municipality that is not a member that day: never, not yet, or no longer', () => {
      const other = resolved([federationState([federationFormed({ id: FED, members: [NORRKOPING, FINSPANG] })])]);
      municipality.given([registered]).when(transfer(fedBasis, '2010-01-01', other)).thenRefuses('not-a-member');
      const joinsLater = resolved([federationState([federationFormed({ id: FED, members: [NORRKOPING, FINSPANG] }), memberJoined(FED, LINKOPING, '2012-01-01')])]);
      municipality.given([registered]).when(transfer(fedBasis, '2011-12-31', joinsLater)).thenRefuses('not-a-member');
      municipality.given([registered]).when(transfer(fedBasis, '2012-01-01', joinsLater)).then([transferred(facts(fedBasis, { kind: 'federation', id: FED }, '2012-01-01'))]);
      municipality.given([registered]).when(transfer(fedBasis, '2015-01-01', fed(memberLeft(FED, LINKOPING, '2015-01-01')))).thenRefuses('not-a-member');
      municipality.given([registered]).when(transfer(fedBasis, '2014-12-31', fed(memberLeft(FED, LINKOPING, '2015-01-01')))).then([transferred(facts(fedBasis, { kind: 'federation', id: FED }, '2014-12-31'))]);
    });

    it('refuses a federation before it is formed', () => {
      municipality.given([registered]).when(transfer(fedBasis, '2007-12-31', fed())).thenRefuses('basis-not-in-force');
    });

    it('refuses a federation on or after its dissolution day; accepts the day before', () => {
      municipality.given([registered]).when(transfer(fedBasis, '2020-01-01', fed(federationDissolved(FED, '2020-01-01')))).thenRefuses('already-dissolved');
      municipality.given([registered]).when(transfer(fedBasis, '2021-01-01', fed(federationDissolved(FED, '2020-01-01')))).thenRefuses('already-dissolved');
      municipality.given([registered]).when(transfer(fedBasis, '2019-12-31', fed(federationDissolved(FED, '2020-01-01')))).then([transferred(facts(fedBasis, { kind: 'federation', id: FED }, '2019-12-31'))]);
    });

    it('refuses a federation that is not loaded, or named with the wrong kind', () => {
      municipality.given([registered]).when(transfer(fedBasis, '2010-01-01')).thenRefuses('not-found');
      municipality.given([registered]).when(transfer({ kind: 'joint-committee', id: FED }, '2010-01-01', fed())).thenRefuses('not-found');
    });
  });

  describe('joint committee', () => {
    const jc = resolved([federationState([federationFormed({ id: JC, form: 'joint-committee', host: NORRKOPING, members: [LINKOPING, NORRKOPING], serviceAreas: ['payroll'] })])]);
    const jcBasis: Basis = { kind: 'joint-committee', id: JC };

    it('the host municipality provides', () => {
      municipality.given([registered]).when(transfer(jcBasis, '2010-01-01', jc)).then([transferred(facts(jcBasis, { kind: 'municipality', code: NORRKOPING }, '2010-01-01'))]);
    });

    it('refuses it named as a federation, and an area its charter does not list', () => {
      municipality.given([registered]).when(transfer({ kind: 'federation', id: JC }, '2010-01-01', jc)).thenRefuses('not-found');
      municipality.given([registered]).when(transfer(jcBasis, '2010-01-01', jc, 'procurement')).thenRefuses('area-not-covered');
    });
  });

  describe('service agreement', () => {
    const norrkoping: ProviderRef = { kind: 'municipality', code: NORRKOPING };

    it('accepts a concluded agreement within its term for a buyer and an area; the provider provides', () => {
      municipality.given([registered]).when(transfer(agrBasis, '2020-01-01', agr(concludedEvents))).then([transferred(facts(agrBasis, norrkoping, '2020-01-01'))]);
      municipality.given([registered]).when(transfer(agrBasis, '2022-12-31', agr(concludedEvents))).then([transferred(facts(agrBasis, norrkoping, '2022-12-31'))]);
    });

    it('refuses an agreement that is proposed, signed or partly approved but not concluded', () => {
      for (const n of [1, 3, 4]) municipality.given([registered]).when(transfer(agrBasis, '2020-01-01', agr(concludedEvents.slice(0, n)))).thenRefuses('basis-not-in-force');
    });

    it('refuses a day outside the term; an extension known widens it', () => {
      municipality.given([registered]).when(transfer(agrBasis, '2019-12-31', agr(concludedEvents))).thenRefuses('basis-not-in-force');
      municipality.given([registered]).when(transfer(agrBasis, '2023-01-01', agr(concludedEvents))).thenRefuses('basis-not-in-force');
      municipality
        .given([registered])
        .when(transfer(agrBasis, '2023-01-01', agr([...concludedEvents, extended(AGR, '2023-12-31', '2022-12-31', '2022-06-01')])))
        .then([transferred(facts(agrBasis, norrkoping, '2023-01-01'))]);
    });

    it('refuses a terminated agreement from its termination day; accepts the day before', () => {
      const ended = agr([...concludedEvents, terminated(AGR, '2021-07-01')]);
      municipality.given([registered]).when(transfer(agrBasis, '2021-07-01', ended)).thenRefuses('basis-not-in-force');
      municipality.given([registered]).when(transfer(agrBasis, '2021-06-30', ended)).then([transferred(facts(agrBasis, norrkoping, '2021-06-30'))]);
    });

    it('refuses a rejected agreement', () => {
      const rejected: AgreementEvent[] = [
        agreementProposed({ id: AGR }),
        signed(AGR, LINKOPING, '2019-11-01'),
        councilDecided(AGR, NORRKOPING, '2019-11-20', 'rejected'),
        { type: 'AgreementRejected', data: { id: AGR, rejectedOn: '2019-11-20', municipality: NORRKOPING } },
      ];
      municipality.given([registered]).when(transfer(agrBasis, '2020-01-01', agr(rejected))).thenRefuses('agreement-rejected');
    });

    it('refuses a municipality that is a party but not a buyer', () => {
      const providerSide = concludedAgreement({ id: AGR, provider: { kind: 'municipality', code: LINKOPING }, buyers: [NORRKOPING] });
      municipality.given([registered]).when(transfer(agrBasis, '2020-01-01', agr(providerSide))).thenRefuses('not-a-party');
    });

    it('refuses an area the agreement does not cover', () => {
      municipality.given([registered]).when(transfer(agrBasis, '2020-01-01', agr(concludedEvents), 'procurement')).thenRefuses('area-not-covered');
    });

    it('a federation provider must not be dissolved on the day', () => {
      const byFederation = concludedAgreement({ id: AGR, provider: { kind: 'federation', id: FED }, buyers: [LINKOPING, NORRKOPING] });
      municipality
        .given([registered])
        .when(transfer(agrBasis, '2020-01-01', agr(byFederation, [formed])))
        .then([transferred(facts(agrBasis, { kind: 'federation', id: FED }, '2020-01-01'))]);
      municipality.given([registered]).when(transfer(agrBasis, '2021-01-01', agr(byFederation, [formed, federationDissolved(FED, '2021-01-01')]))).thenRefuses('already-dissolved');
      municipality
        .given([registered])
        .when(transfer(agrBasis, '2020-12-31', agr(byFederation, [formed, federationDissolved(FED, '2021-01-01')])))
        .then([transferred(facts(agrBasis, { kind: 'federation', id: FED }, '2020-12-31'))]);
    });

    it('letters of intent and cooperation agreements move no service, even concluded', () => {
      for (const kind of ['intent', 'cooperation'] as const) {
        const events = concludedAgreement({ id: AGR, kind, provider: undefined, buyers: [] });
        expect(agreementState(events).status).toBe('concluded');
        municipality.given([registered]).when(transfer(agrBasis, '2020-06-01', agr(events))).thenRefuses('basis-not-in-force');
      }
    });

    it('refuses an agreement that is not loaded', () => {
      municipality.given([registered]).when(transfer(agrBasis, '2020-01-01')).thenRefuses('not-found');
    });
  });
});

describe('municipality decider: corrections (rule 8)', () => {
  const wrong = transferred(facts(fedBasis, { kind: 'federation', id: FED }, '2019-01-01'));
  const correct = (replacement?: CorrectTransfer['replacement'], bases: ResolvedBases = NO_RESOLVED_BASES, transferId = 't-1'): CorrectTransfer => ({
    type: 'CorrectTransfer',
    transferId,
    reason: 'Fel datum',
    ...(replacement ? { replacement } : {}),
    bases,
  });
  const replacement = { transferId: 't-2', serviceArea: 'payroll', basis: fedBasis, decidedOn: '2019-11-01', effectiveFrom: '2019-02-01' };

  it('withdraws a transfer by naming it', () => {
    municipality
      .given([registered, wrong])
      .when(correct())
      .then([{ type: 'CorrectionRecorded', data: { municipality: LINKOPING, corrects: { transferId: 't-1', type: 'ServiceTransferred' }, reason: 'Fel datum' } }]);
  });

  it('replaces a transfer, checking the replacement with rule 3 and recording its provider', () => {
    municipality
      .given([registered, wrong])
      .when(correct(replacement, fed()))
      .then([
        {
          type: 'CorrectionRecorded',
          data: {
            municipality: LINKOPING,
            corrects: { transferId: 't-1', type: 'ServiceTransferred' },
            reason: 'Fel datum',
            replacement: facts(fedBasis, { kind: 'federation', id: FED }, '2019-02-01', 'payroll', 't-2'),
          },
        },
      ]);
  });

  it('refuses a replacement its basis does not cover', () => {
    municipality.given([registered, wrong]).when(correct({ ...replacement, serviceArea: 'rescue-services' }, fed())).thenRefuses('area-not-covered');
    municipality.given([registered, wrong]).when(correct({ ...replacement, effectiveFrom: '2020-01-01' }, fed(federationDissolved(FED, '2020-01-01')))).thenRefuses('already-dissolved');
  });

  it('refuses a replacement whose id is already recorded', () => {
    municipality.given([registered, wrong]).when(correct({ ...replacement, transferId: 't-1' }, fed())).thenRefuses('already-exists');
  });

  it('refuses correcting an unknown transfer', () => {
    municipality.given([registered, wrong]).when(correct(undefined, NO_RESOLVED_BASES, 't-9')).thenRefuses('not-found');
  });

  it('a replacement can itself be corrected later', () => {
    const replaced: MunicipalityEvent = {
      type: 'CorrectionRecorded',
      data: { municipality: LINKOPING, corrects: { transferId: 't-1', type: 'ServiceTransferred' }, reason: 'r', replacement: facts(fedBasis, { kind: 'federation', id: FED }, '2019-02-01', 'payroll', 't-2') },
    };
    municipality
      .given([registered, wrong, replaced])
      .when(correct(undefined, NO_RESOLVED_BASES, 't-2'))
      .then([{ type: 'CorrectionRecorded', data: { municipality: LINKOPING, corrects: { transferId: 't-2', type: 'ServiceTransferred' }, reason: 'Fel datum' } }]);
    municipality.given([registered, wrong, replaced]).when(transfer({ kind: 'in-house' }, '2020-01-01', NO_RESOLVED_BASES, 'payroll', 't-2')).thenRefuses('already-exists');
  });
});

describe('decision: corrections stay visible in the history', () => {
  const wrong = transferred(facts(fedBasis, { kind: 'federation', id: FED }, '2019-01-01'));
  const withdrawn: MunicipalityEvent = { type: 'CorrectionRecorded', data: { municipality: LINKOPING, corrects: { transferId: 't-1', type: 'ServiceTransferred' }, reason: 'r' } };
  const replaced: MunicipalityEvent = {
    type: 'CorrectionRecorded',
    data: { municipality: LINKOPING, corrects: { transferId: 't-1', type: 'ServiceTransferred' }, reason: 'r', replacement: facts(fedBasis, { kind: 'federation', id: FED }, '2019-02-01', 'payroll', 't-2') },
  };
  const correctAgain = (replacement?: CorrectTransfer['replacement'], bases: ResolvedBases = NO_RESOLVED_BASES): CorrectTransfer => ({ type: 'CorrectTransfer', transferId: 't-1', reason: 'Fel igen', ...(replacement ? { replacement } : {}), bases });

  it('given a withdrawn transfer, when it is corrected again with a replacement, then the correction is recorded (once 422 already-decided)', () => {
    const replacement = { transferId: 't-3', serviceArea: 'payroll', basis: fedBasis, decidedOn: '2019-11-01', effectiveFrom: '2019-03-01' };
    municipality
      .given([registered, wrong, withdrawn])
      .when(correctAgain(replacement, fed()))
      .then([
        {
          type: 'CorrectionRecorded',
          data: { municipality: LINKOPING, corrects: { transferId: 't-1', type: 'ServiceTransferred' }, reason: 'Fel igen', replacement: facts(fedBasis, { kind: 'federation', id: FED }, '2019-03-01', 'payroll', 't-3') },
        },
      ]);
  });

  it('given a replaced transfer, when it is corrected again without a replacement, then the correction is recorded', () => {
    municipality
      .given([registered, wrong, replaced])
      .when(correctAgain())
      .then([{ type: 'CorrectionRecorded', data: { municipality: LINKOPING, corrects: { transferId: 't-1', type: 'ServiceTransferred' }, reason: 'Fel igen' } }]);
  });

  it('given a withdrawn transfer, when it is withdrawn again (directly or through its replacement), then it is refused: nothing of it stands (422 already-decided)', () => {
    municipality.given([registered, wrong, withdrawn]).when(correctAgain()).thenRefuses('already-decided');
    const replacementWithdrawn: MunicipalityEvent = { type: 'CorrectionRecorded', data: { municipality: LINKOPING, corrects: { transferId: 't-2', type: 'ServiceTransferred' }, reason: 'r' } };
    municipality.given([registered, wrong, replaced, replacementWithdrawn]).when(correctAgain()).thenRefuses('already-decided');
    municipality.given([registered, wrong, replaced, withdrawn]).when({ ...correctAgain(), transferId: 't-2' }).thenRefuses('already-decided');
  });

  it('given a withdrawn line, when its replacement is named with a new replacement, then it is recorded: the latest correction wins', () => {
    municipality
      .given([registered, wrong, replaced, withdrawn])
      .when({ ...correctAgain({ transferId: 't-3', serviceArea: 'payroll', basis: fedBasis, decidedOn: '2019-11-01', effectiveFrom: '2019-03-01' }, fed()), transferId: 't-2' })
      .then([
        {
          type: 'CorrectionRecorded',
          data: { municipality: LINKOPING, corrects: { transferId: 't-2', type: 'ServiceTransferred' }, reason: 'Fel igen', replacement: facts(fedBasis, { kind: 'federation', id: FED }, '2019-03-01', 'payroll', 't-3') },
        },
      ]);
  });

  it('given corrections of corrections, when a replacement reuses a recorded id or its basis does not cover it, then it is refused as any correction is', () => {
    municipality.given([registered, wrong, replaced, withdrawn]).when(correctAgain({ transferId: 't-2', serviceArea: 'payroll', basis: fedBasis, decidedOn: '2019-11-01', effectiveFrom: '2019-03-01' }, fed())).thenRefuses('already-exists');
    municipality.given([registered, wrong, replaced]).when(correctAgain({ transferId: 't-3', serviceArea: 'rescue-services', basis: fedBasis, decidedOn: '2019-11-01', effectiveFrom: '2019-03-01' }, fed())).thenRefuses('area-not-covered');
    municipality.given([registered, wrong, replaced]).when({ ...correctAgain(), transferId: 't-9' }).thenRefuses('not-found');
  });
});

describe('municipality decider: the facts the caller gathers', () => {
  it('refuses a service area the catalog does not know, for a transfer and for a replacement', () => {
    municipality.given([registered]).when({ ...transfer({ kind: 'in-house' }, '2019-01-01', NO_RESOLVED_BASES, 'no-such-area'), unknown: { serviceAreas: ['no-such-area'] } }).thenRefuses('not-found');
    const replacement = { transferId: 't-2', serviceArea: 'no-such-area', basis: { kind: 'in-house' } as Basis, decidedOn: '2019-01-01', effectiveFrom: '2019-01-01' };
    municipality
      .given([registered, transferred(facts({ kind: 'in-house' }, { kind: 'municipality', code: LINKOPING }, '2019-01-01'))])
      .when({ type: 'CorrectTransfer', transferId: 't-1', reason: 'x', replacement, bases: NO_RESOLVED_BASES, unknown: { serviceAreas: ['no-such-area'] } })
      .thenRefuses('not-found');
  });
});
