import { spec } from '../testing/decider-spec';
import { agreementProposed, agreementState, agreementTerms, concluded, councilDecided, LINKOPING, NORRKOPING, resolved, signed } from '../testing/fixtures';
import { municipalityDecider } from '../municipality/municipality.decider';
import { MunicipalityEvent } from '../municipality/municipality.events';
import { regionCodeOfName } from '../shared/parties';
import { agreementDecider } from './agreement.decider';
import { AgreementCommand, ProposeAgreement } from './agreement.commands';
import { AgreementEvent } from './agreement.events';
import { agreementInForceOn, missingSignatures, signatories } from './agreement.state';

/** The decisions of domain.md ("Decisions on points the rules left open") that concern agreements. */
const AGR = 'lkp-buys-payroll-2020';
const FED = 'fjarde-storstadsregionen';
const agreement = spec(agreementDecider);
const municipality = spec(municipalityDecider);

const propose = (overrides: Partial<ProposeAgreement> = {}): ProposeAgreement => ({ type: 'ProposeAgreement', ...agreementTerms({ councilApprovalRequired: false }), ...overrides });
const sign = (party: string, signedOn: string): AgreementCommand => ({ type: 'SignAgreement', party, signedOn });

/** Linköping buys IT support from Region Skåne (12). */
const fromRegion = { parties: [LINKOPING], provider: { kind: 'region' as const, code: '12' }, buyers: [LINKOPING], serviceAreas: ['it-support'] };

describe('decision: a party is one party', () => {
  it('refuses a providing region also named in otherParties (400 on the entry), however the name is spaced or cased', () => {
    agreement.given([]).when(propose({ ...fromRegion, otherParties: ['Region Skåne'] })).thenRefuses('validation-failed', ['otherParties[0]']);
    agreement.given([]).when(propose({ ...fromRegion, otherParties: ['Tillväxtverket', ' region  skåne '] })).thenRefuses('validation-failed', ['otherParties[1]']);
  });

  it('refuses a party municipality also named in otherParties (the name as the catalog found it)', () => {
    agreement
      .given([])
      .when(propose({ otherParties: ['Linköpings kommun'], municipalitiesNamed: [{ name: 'Linköpings kommun', code: LINKOPING }] }))
      .thenRefuses('validation-failed', ['otherParties[0]']);
  });

  it('refuses a municipality named in otherParties at all: it is named by its code, among the parties', () => {
    agreement
      .given([])
      .when(propose({ kind: 'cooperation', provider: undefined, buyers: [], parties: [LINKOPING], otherParties: ['Norrköping'], municipalitiesNamed: [{ name: 'Norrköping', code: NORRKOPING }] }))
      .thenRefuses('validation-failed', ['otherParties[0]']);
  });

  it('refuses one region named twice in otherParties', () => {
    agreement
      .given([])
      .when(propose({ kind: 'cooperation', provider: undefined, buyers: [], parties: [LINKOPING], otherParties: ['Region Östergötland', 'REGION ÖSTERGÖTLAND'] }))
      .thenRefuses('validation-failed', ['otherParties[1]']);
  });

  it('the check of the names comes before anything else, like the other fields a proposal must have', () => {
    agreement.given([agreementProposed()]).when(propose({ ...fromRegion, otherParties: ['Region Skåne'], unknown: { municipalities: ['9999'] } })).thenRefuses('validation-failed', ['otherParties[0]']);
  });

  it('a providing region is named once, by its code, and signs once, by its code', () => {
    const proposal = propose(fromRegion);
    const [proposed] = agreementDecider.decide(proposal, agreementDecider.initialState);
    agreement.given([]).when(proposal).then([proposed]);
    expect(signatories(agreementState([proposed]))).toEqual([LINKOPING, '12']);
    agreement.given([proposed]).when(sign('Region Skåne', '2024-03-01')).thenRefuses('not-a-party');
    agreement
      .given([proposed, signed(AGR, LINKOPING, '2024-03-01')])
      .when(sign('12', '2024-03-05'))
      .then([signed(AGR, '12', '2024-03-05'), concluded(AGR, '2024-03-05')]);
  });

  it('otherParties holds parties without a code, and each signs by its name', () => {
    const withAgency = agreementProposed({ ...fromRegion, otherParties: ['Tillväxtverket'], councilApprovalRequired: false });
    agreement.given([]).when(propose({ ...fromRegion, otherParties: ['Tillväxtverket'] })).then([withAgency]);
    expect(missingSignatures(agreementState([withAgency]))).toEqual([LINKOPING, 'Tillväxtverket', '12']);
  });

  it('a region that takes part without providing, named in otherParties, signs by its code', () => {
    const cooperation = { kind: 'cooperation' as const, provider: undefined, buyers: [], parties: [LINKOPING], otherParties: ['Region Östergötland'], councilApprovalRequired: false };
    const proposed = agreementProposed(cooperation);
    agreement.given([]).when(propose(cooperation)).then([proposed]);
    expect(signatories(agreementState([proposed]))).toEqual([LINKOPING, '05']);
    agreement.given([proposed]).when(sign('Region Östergötland', '2024-03-01')).thenRefuses('not-a-party');
  });

  describe('an agreement recorded before the decision, with the providing region also in otherParties (the log is not rewritten)', () => {
    const recorded = agreementProposed({ ...fromRegion, otherParties: ['Region Skåne'], councilApprovalRequired: false });

    it('still reads as recorded: otherParties keeps the name', () => {
      expect(agreementState([recorded]).otherParties).toEqual(['Region Skåne']);
    });

    it('derived on read: the region signs once, by its code; the name is no second signatory', () => {
      expect(missingSignatures(agreementState([recorded]))).toEqual([LINKOPING, '12']);
      agreement.given([recorded]).when(sign('Region Skåne', '2024-03-01')).thenRefuses('not-a-party');
      agreement
        .given([recorded, signed(AGR, LINKOPING, '2024-03-01')])
        .when(sign('12', '2024-03-02'))
        .then([signed(AGR, '12', '2024-03-02'), concluded(AGR, '2024-03-02')]);
    });

    it('a signature the name gave under the old rule stays in the history; the code still signs, and that concludes', () => {
      const given = [recorded, signed(AGR, 'Region Skåne', '2024-03-01'), signed(AGR, LINKOPING, '2024-03-01')];
      expect(agreementState(given).signatures.map((s) => s.party)).toEqual(['Region Skåne', LINKOPING]);
      expect(missingSignatures(agreementState(given))).toEqual(['12']);
      agreement.given(given).when(sign('12', '2024-03-03')).then([signed(AGR, '12', '2024-03-03'), concluded(AGR, '2024-03-03')]);
    });

    it('one that the code and every other party signed, waiting only for the name under the old rule, is concluded by the name signing (it is not left unconcludable)', () => {
      const given = [recorded, signed(AGR, '12', '2024-03-01'), signed(AGR, LINKOPING, '2024-03-02')];
      expect(missingSignatures(agreementState(given))).toEqual([]);
      expect(agreementState(given).status).toBe('proposed');
      agreement.given(given).when(sign('Region Skåne', '2024-03-04')).then([signed(AGR, 'Region Skåne', '2024-03-04'), concluded(AGR, '2024-03-04')]);
      agreement.given([...given, signed(AGR, 'Region Skåne', '2024-03-04'), concluded(AGR, '2024-03-04')]).when(sign('Region Skåne', '2024-03-05')).thenRefuses('already-signed');
    });
  });

  it('the regions named are the 21 regions, by county code', () => {
    expect(regionCodeOfName('Region Östergötland')).toBe('05');
    expect(regionCodeOfName('Västra Götalandsregionen')).toBe('14');
    expect(regionCodeOfName('Tillväxtverket')).toBeUndefined();
  });
});

describe('decision: a retroactive agreement is valid', () => {
  // Signed in March, valid from 1 January.
  const retroactive: AgreementEvent[] = [
    agreementProposed({ validFrom: '2024-01-01', validUntil: '2026-12-31', decidedOn: '2024-02-01', councilApprovalRequired: true }),
    signed(AGR, LINKOPING, '2024-03-10'),
    signed(AGR, NORRKOPING, '2024-03-12'),
    councilDecided(AGR, LINKOPING, '2024-02-20'),
    councilDecided(AGR, NORRKOPING, '2024-03-14'),
    concluded(AGR, '2024-03-14'),
  ];
  const registered: MunicipalityEvent = { type: 'MunicipalityRegistered', data: { code: LINKOPING, name: 'Linköping', countyCode: '05', countyName: 'Östergötlands län' } };
  const transfer = (effectiveFrom: string, decidedOn = '2024-03-20') => ({
    type: 'TransferService' as const,
    transferId: 't-retro',
    serviceArea: 'payroll',
    basis: { kind: 'agreement' as const, id: AGR },
    decidedOn,
    effectiveFrom,
    bases: resolved([], [agreementState(retroactive)]),
  });

  it('may be proposed with a validFrom before its proposal and concluded after it', () => {
    agreement
      .given([])
      .when(propose({ validFrom: '2024-01-01', validUntil: '2026-12-31', decidedOn: '2024-02-01', councilApprovalRequired: true }))
      .then([retroactive[0]]);
    agreement
      .given(retroactive.slice(0, 4))
      .when({ type: 'RecordCouncilDecision', municipality: NORRKOPING, decidedOn: '2024-03-14', outcome: 'approved' })
      .then([councilDecided(AGR, NORRKOPING, '2024-03-14'), concluded(AGR, '2024-03-14')]);
  });

  it('is in force from validFrom, also on the days before it was concluded', () => {
    const state = agreementState(retroactive);
    expect(state.concludedOn).toBe('2024-03-14');
    expect(agreementInForceOn(state, '2024-01-01')).toBe(true);
    expect(agreementInForceOn(state, '2024-02-15')).toBe(true);
    expect(agreementInForceOn(state, '2023-12-31')).toBe(false);
  });

  it('rule 3 is checked against the agreement as concluded, over its term: a transfer from validFrom, recorded after the conclusion, is accepted', () => {
    municipality
      .given([registered])
      .when(transfer('2024-01-01'))
      .then([
        {
          type: 'ServiceTransferred',
          data: { transferId: 't-retro', municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'agreement', id: AGR }, provider: { kind: 'municipality', code: NORRKOPING }, decidedOn: '2024-03-20', effectiveFrom: '2024-01-01' },
        },
      ]);
  });

  it('and over its term only: a transfer before validFrom is refused', () => {
    municipality.given([registered]).when(transfer('2023-12-01')).thenRefuses('basis-not-in-force');
  });

  it('until it is concluded it is no basis, whatever its validFrom', () => {
    const unconcluded = { ...transfer('2024-01-01'), bases: resolved([], [agreementState(retroactive.slice(0, 4))]) };
    municipality.given([registered]).when(unconcluded).thenRefuses('basis-not-in-force');
  });
});

describe('decision: a federation that provides under an agreement signs it by its id', () => {
  const byFederation = propose({ provider: { kind: 'federation', id: FED }, buyers: [LINKOPING, NORRKOPING] });
  const [proposed] = agreementDecider.decide(byFederation, agreementDecider.initialState);

  it('the providing federation is a signatory, by its id, besides the party municipalities', () => {
    expect(signatories(agreementState([proposed]))).toEqual([LINKOPING, NORRKOPING, FED]);
  });

  it('signs by its id, and its signature concludes the agreement when it is the last', () => {
    agreement
      .given([proposed, signed(AGR, LINKOPING, '2019-12-01'), signed(AGR, NORRKOPING, '2019-12-02')])
      .when(sign(FED, '2019-12-03'))
      .then([signed(AGR, FED, '2019-12-03'), concluded(AGR, '2019-12-03')]);
  });

  it('the agreement is not concluded without it', () => {
    agreement.given([proposed, signed(AGR, LINKOPING, '2019-12-01')]).when(sign(NORRKOPING, '2019-12-02')).then([signed(AGR, NORRKOPING, '2019-12-02')]);
    expect(missingSignatures(agreementState([proposed, signed(AGR, LINKOPING, '2019-12-01'), signed(AGR, NORRKOPING, '2019-12-02')]))).toEqual([FED]);
  });

  it('it signs once, and by no other name', () => {
    agreement.given([proposed, signed(AGR, FED, '2019-12-01')]).when(sign(FED, '2019-12-02')).thenRefuses('already-signed');
    agreement.given([proposed]).when(sign('Kommunalförbundet 4:e storstadsregionen', '2019-12-01')).thenRefuses('not-a-party');
  });

  it('its council decides nothing: only party municipalities do', () => {
    agreement.given([proposed]).when({ type: 'RecordCouncilDecision', municipality: FED, decidedOn: '2019-11-20', outcome: 'approved' }).thenRefuses('not-a-party');
  });
});

