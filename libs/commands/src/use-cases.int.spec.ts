import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test, TestingModule } from '@nestjs/testing';
import { DomainError, streams } from '@samverkan/domain';
import { RecordedEvent } from '@samverkan/event-store';
import { SqliteEventStore } from '@samverkan/event-store/sqlite';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { CommandContext, newCommandContext } from './command-path/command-context';
import { ConcurrencyConflictError, IdempotencyKeyReusedError } from './command-path/command-errors';
import { CommandResult } from './command-path/command-result';
import { CommandsModule } from './commands.module';
import { CorrectTransferCommand } from './correct-transfer/correct-transfer.controller';
import { DefineServiceAreaCommand } from './define-service-area/define-service-area.controller';
import { DissolveFederationCommand } from './dissolve-federation/dissolve-federation.controller';
import { ExtendAgreementCommand } from './extend-agreement/extend-agreement.controller';
import { FormFederationCommand } from './form-federation/form-federation.controller';
import { JoinFederationCommand } from './join-federation/join-federation.controller';
import { LeaveFederationCommand } from './leave-federation/leave-federation.controller';
import { ProposeAgreementCommand, ProposeAgreementDto as ProposeAgreementInput } from './propose-agreement/propose-agreement.controller';
import { ReachMilestoneCommand } from './reach-milestone/reach-milestone.controller';
import { RecordCouncilDecisionCommand } from './record-council-decision/record-council-decision.controller';
import { RecordReviewCommand } from './record-review/record-review.controller';
import { ReferenceSeeder } from './reference-seeding/reference-seeder';
import { ScheduleMilestoneCommand } from './schedule-milestone/schedule-milestone.controller';
import { SignAgreementCommand } from './sign-agreement/sign-agreement.controller';
import { StartStudyCommand } from './start-study/start-study.controller';
import { ConcludeStudyCommand } from './conclude-study/conclude-study.controller';
import { TerminateAgreementCommand } from './terminate-agreement/terminate-agreement.controller';
import { TransferServiceCommand } from './transfer-service/transfer-service.controller';
import { FormFederationDto } from './form-federation/form-federation.controller';
import { TestInfrastructure } from './testing/test-infrastructure';

const LINKOPING = '0580';
const NORRKOPING = '0581';
const FEDERATION = 'fjarde-storstadsregionen';
const AGREEMENT = 'lkp-buys-payroll-2020';

describe('use cases through the CommandBus (no HTTP)', () => {
  let store: SqliteEventStore;
  let moduleRef: TestingModule;
  let bus: CommandBus;

  const ctx = (options: { idempotencyKey?: string; expectedRevision?: number; body?: unknown } = {}): CommandContext =>
    newCommandContext({
      actor: 'int-spec',
      source: 'use-cases.int.spec',
      ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey, request: { method: 'POST', path: '/test', body: options.body ?? null } } : {}),
      ...(options.expectedRevision !== undefined ? { expectedRevision: options.expectedRevision } : {}),
    });
  const run = (command: object): Promise<CommandResult> => bus.execute<object, CommandResult>(command);
  const read = (stream: string): Promise<RecordedEvent[]> => store.readStream(stream);
  const types = (result: CommandResult): string[] => result.events.map((e) => e.type);
  const everything = async (): Promise<RecordedEvent[]> => store.readAll();

  async function expectRefused(promise: Promise<unknown>, code: string): Promise<void> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
  }

  beforeEach(async () => {
    store = SqliteEventStore.inMemory({ pollIntervalMs: 20 });
    moduleRef = await Test.createTestingModule({ imports: [CqrsModule.forRoot(), TestInfrastructure.with(store), CommandsModule] }).compile();
    await moduleRef.init();
    bus = moduleRef.get(CommandBus);
    const seeded = await moduleRef.get(ReferenceSeeder).seed();
    expect(seeded.appended).toBe(loadMunicipalities().length + loadServiceAreas().length);
  });

  afterEach(async () => {
    await moduleRef.close();
    await store.close();
  });

  // ---- S1 building blocks -------------------------------------------------------------

  const federationBody: FormFederationDto = {
    id: FEDERATION,
    name: 'Kommunalförbundet 4:e storstadsregionen',
    form: 'federation',
    members: [LINKOPING, NORRKOPING],
    serviceAreas: ['payroll', 'procurement'],
    decidedOn: '2007-06-18',
    effectiveFrom: '2008-01-01',
  };

  const agreementInput: ProposeAgreementInput = {
    id: AGREEMENT,
    kind: 'service',
    title: 'Linköping buys payroll and HR administration from Norrköping',
    parties: [LINKOPING, NORRKOPING],
    otherParties: [],
    provider: { kind: 'municipality', code: NORRKOPING },
    buyers: [LINKOPING],
    serviceAreas: ['payroll', 'hr-administration'],
    validFrom: '2020-01-01',
    validUntil: '2022-12-31',
    councilApprovalRequired: true,
    decidedOn: '2019-10-07',
  };

  async function formFederationWithTransfers(): Promise<void> {
    const formed = await run(new FormFederationCommand(federationBody, ctx()));
    expect(types(formed)).toEqual(['FederationFormed']);
    for (const code of [LINKOPING, NORRKOPING]) {
      for (const area of ['payroll', 'procurement']) {
        const transferred = await run(
          new TransferServiceCommand(code, { serviceArea: area, basis: { kind: 'federation', id: FEDERATION }, decidedOn: '2007-06-18', effectiveFrom: '2008-01-01' }, ctx()),
        );
        expect(types(transferred)).toEqual(['ServiceTransferred']);
      }
    }
  }

  /** Proposes, signs and approves the agreement; returns the answer of each step. */
  async function concludeAgreement(): Promise<CommandResult[]> {
    const steps = [
      await run(new ProposeAgreementCommand(agreementInput, ctx())),
      await run(new SignAgreementCommand(AGREEMENT, { party: LINKOPING, signedOn: '2019-12-18' }, ctx())),
      await run(new SignAgreementCommand(AGREEMENT, { party: NORRKOPING, signedOn: '2019-12-19' }, ctx())),
      await run(new RecordCouncilDecisionCommand(AGREEMENT, { municipality: LINKOPING, decidedOn: '2019-11-25', outcome: 'approved', reference: 'KF 2019-11-25 § 301' }, ctx())),
      await run(new RecordCouncilDecisionCommand(AGREEMENT, { municipality: NORRKOPING, decidedOn: '2019-12-16', outcome: 'approved' }, ctx())),
    ];
    return steps;
  }

  it('S1: forms the federation, concludes the agreement with the last approval, dissolves with successors recorded on the municipalities', async () => {
    await formFederationWithTransfers();

    const [proposed, signed1, signed2, approved1, approved2] = await concludeAgreement();
    expect(types(proposed)).toEqual(['AgreementProposed']);
    expect(types(signed1)).toEqual(['AgreementSigned']);
    expect(types(signed2)).toEqual(['AgreementSigned']);
    expect(types(approved1)).toEqual(['CouncilDecisionRecorded']);
    // Rule 6: the last approval concludes it, on the latest of the signature and approval dates.
    expect(types(approved2)).toEqual(['CouncilDecisionRecorded', 'AgreementConcluded']);
    const concluded = (await read(streams.agreement(AGREEMENT))).find((e) => e.type === 'AgreementConcluded');
    expect(concluded?.data).toEqual({ id: AGREEMENT, concludedOn: '2019-12-19' });
    expect(approved2.revision).toBe(5);

    const dissolution = ctx();
    const dissolved = await run(
      new DissolveFederationCommand(
        FEDERATION,
        {
          decidedOn: '2019-12-16',
          effectiveFrom: '2020-01-01',
          successors: [
            { municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'agreement', id: AGREEMENT } },
            { municipality: LINKOPING, serviceArea: 'procurement', basis: { kind: 'in-house' } },
            { municipality: NORRKOPING, serviceArea: 'payroll', basis: { kind: 'in-house' } },
            { municipality: NORRKOPING, serviceArea: 'procurement', basis: { kind: 'in-house' } },
          ],
        },
        dissolution,
      ),
    );
    expect(dissolved).toMatchObject({ id: FEDERATION, stream: `federation-${FEDERATION}`, revision: 1 });
    expect(types(dissolved)).toEqual(['FederationDissolved']);
    const dissolvedEvent = (await read(streams.federation(FEDERATION))).find((e) => e.type === 'FederationDissolved') as RecordedEvent;
    expect(dissolvedEvent.id).toBe(dissolved.events[0].id);

    const successorsOn = async (code: string) => (await read(streams.municipality(code))).filter((e) => e.type === 'ServiceTransferred' && e.metadata.causationId === dissolvedEvent.id);
    const linkoping = await successorsOn(LINKOPING);
    const norrkoping = await successorsOn(NORRKOPING);
    expect(linkoping.map((e) => [e.data.serviceArea, e.data.basis, e.data.provider])).toEqual([
      ['payroll', { kind: 'agreement', id: AGREEMENT }, { kind: 'municipality', code: NORRKOPING }],
      ['procurement', { kind: 'in-house' }, { kind: 'municipality', code: LINKOPING }],
    ]);
    expect(norrkoping.map((e) => [e.data.serviceArea, e.data.basis])).toEqual([
      ['payroll', { kind: 'in-house' }],
      ['procurement', { kind: 'in-house' }],
    ]);
    for (const event of [...linkoping, ...norrkoping]) {
      expect(event.metadata.causationId).toBe(dissolvedEvent.id);
      expect(event.metadata.correlationId).toBe(dissolution.commandId);
      expect(event.data).toMatchObject({ decidedOn: '2019-12-16', effectiveFrom: '2020-01-01', successorOf: { stream: dissolvedEvent.stream, eventId: dissolvedEvent.id, type: 'FederationDissolved' } });
    }
    // Read-your-writes: the answer's position covers the successor transfers, not only the dissolution.
    const lastSuccessor = Math.max(...[...linkoping, ...norrkoping].map((e) => e.position));
    expect(lastSuccessor).toBeGreaterThan(dissolvedEvent.position);
    expect(dissolved.position).toBeGreaterThanOrEqual(lastSuccessor);

    // Sent again with the same command id: the same answer, nothing appended, no successor doubled.
    const head = await store.headPosition();
    const again = await run(new DissolveFederationCommand(FEDERATION, { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01', successors: [] }, dissolution));
    expect(again.events).toEqual(dissolved.events);
    expect(again.position).toBeGreaterThanOrEqual(lastSuccessor);
    expect(await store.headPosition()).toBe(head);
    expect(await successorsOn(LINKOPING)).toHaveLength(2);

    // A second dissolution is refused.
    await expectRefused(run(new DissolveFederationCommand(FEDERATION, { decidedOn: '2020-02-01', effectiveFrom: '2020-03-01', successors: [] }, ctx())), 'already-dissolved');
  });

  it('a successor on a basis that does not cover it refuses the whole dissolution, and nothing is appended', async () => {
    await formFederationWithTransfers();
    await run(new ProposeAgreementCommand(agreementInput, ctx())); // proposed, never concluded
    const before = (await everything()).length;
    await expectRefused(
      run(
        new DissolveFederationCommand(
          FEDERATION,
          { decidedOn: '2019-12-16', effectiveFrom: '2020-01-01', successors: [{ municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'agreement', id: AGREEMENT } }] },
          ctx(),
        ),
      ),
      'basis-not-in-force',
    );
    expect((await everything()).length).toBe(before);
    expect((await read(streams.federation(FEDERATION))).map((e) => e.type)).toEqual(['FederationFormed']);
  });

  // ---- idempotency, refusals, concurrency ---------------------------------------------

  it('the same command id twice gives the same answer and appends nothing (a generated id lands on the same stream)', async () => {
    const context = ctx();
    const { id: _omitted, ...withoutId } = agreementInput;
    const first = await run(new ProposeAgreementCommand(withoutId, context));
    expect(first.id).toMatch(/^agreement-[0-9a-f]{12}$/);
    expect(types(first)).toEqual(['AgreementProposed']);
    const head = await store.headPosition();

    const second = await run(new ProposeAgreementCommand(withoutId, context));
    expect(second).toEqual(first);
    expect(await store.headPosition()).toBe(head);
    expect(await read(streams.agreement(first.id))).toHaveLength(1);

    // Another command id is another agreement.
    const other = await run(new ProposeAgreementCommand(withoutId, ctx()));
    expect(other.id).not.toBe(first.id);
  });

  it('an Idempotency-Key returns the first answer for the same body and is refused with another body', async () => {
    await formFederationWithTransfers();
    const body = { municipality: '0561', decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' };
    const first = await run(new JoinFederationCommand(FEDERATION, body, ctx({ idempotencyKey: 'join-atvidaberg', body })));
    expect(types(first)).toEqual(['MemberJoined']);
    const head = await store.headPosition();

    const again = await run(new JoinFederationCommand(FEDERATION, body, ctx({ idempotencyKey: 'join-atvidaberg', body })));
    expect(again).toEqual(first);
    expect(await store.headPosition()).toBe(head);

    const otherBody = { ...body, effectiveFrom: '2013-01-01' };
    await expect(run(new JoinFederationCommand(FEDERATION, otherBody, ctx({ idempotencyKey: 'join-atvidaberg', body: otherBody })))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(await store.headPosition()).toBe(head);
  });

  it('a refused command appends nothing', async () => {
    await run(new ProposeAgreementCommand(agreementInput, ctx()));
    const before = await everything();

    await expectRefused(run(new SignAgreementCommand(AGREEMENT, { party: '0114', signedOn: '2019-12-18' }, ctx())), 'not-a-party');
    await expectRefused(run(new RecordCouncilDecisionCommand(AGREEMENT, { municipality: '0114', decidedOn: '2019-12-18', outcome: 'approved' }, ctx())), 'not-a-party');
    await expectRefused(run(new RecordCouncilDecisionCommand(AGREEMENT, { municipality: '9999', decidedOn: '2019-12-18', outcome: 'approved' }, ctx())), 'not-found');
    await expectRefused(run(new SignAgreementCommand('no-such-agreement', { party: LINKOPING, signedOn: '2019-12-18' }, ctx())), 'not-found');
    await expectRefused(run(new ProposeAgreementCommand({ ...agreementInput, id: 'another-one', serviceAreas: ['no-such-area'] }, ctx())), 'not-found');
    await expectRefused(run(new ProposeAgreementCommand(agreementInput, ctx())), 'already-exists');

    const after = await everything();
    expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
  });

  it('If-Match: a mismatch is a ConcurrencyConflictError and appends nothing; the right revision is accepted', async () => {
    const proposed = await run(new ProposeAgreementCommand(agreementInput, ctx()));
    expect(proposed.revision).toBe(0);
    await run(new SignAgreementCommand(AGREEMENT, { party: LINKOPING, signedOn: '2019-12-18' }, ctx()));

    const stale = run(new SignAgreementCommand(AGREEMENT, { party: NORRKOPING, signedOn: '2019-12-19' }, ctx({ expectedRevision: 0 })));
    const error = await stale.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect(error).toMatchObject({ stream: streams.agreement(AGREEMENT), expected: 0, actual: 1, precondition: true });
    expect(await read(streams.agreement(AGREEMENT))).toHaveLength(2);

    const current = await run(new SignAgreementCommand(AGREEMENT, { party: NORRKOPING, signedOn: '2019-12-19' }, ctx({ expectedRevision: 1 })));
    expect(current.revision).toBe(2);
  });

  it('two concurrent signatures by the same party: exactly one AgreementSigned and one already-signed', async () => {
    await run(new ProposeAgreementCommand({ ...agreementInput, councilApprovalRequired: false }, ctx()));
    const outcomes = await Promise.allSettled([
      run(new SignAgreementCommand(AGREEMENT, { party: LINKOPING, signedOn: '2019-12-18' }, ctx())),
      run(new SignAgreementCommand(AGREEMENT, { party: LINKOPING, signedOn: '2019-12-20' }, ctx())),
    ]);
    const fulfilled = outcomes.filter((o): o is PromiseFulfilledResult<CommandResult> => o.status === 'fulfilled');
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(types(fulfilled[0].value)).toEqual(['AgreementSigned']);
    expect(rejected).toHaveLength(1);
    expect(rejected[0].reason).toBeInstanceOf(DomainError);
    expect((rejected[0].reason as DomainError).code).toBe('already-signed');
    const signatures = (await read(streams.agreement(AGREEMENT))).filter((e) => e.type === 'AgreementSigned');
    expect(signatures).toHaveLength(1);
    expect(signatures[0].data.party).toBe(LINKOPING);
  });

  // ---- the other use cases reach their deciders ---------------------------------------

  it('departure with a successor, extension and termination with a successor', async () => {
    await formFederationWithTransfers();
    await run(new JoinFederationCommand(FEDERATION, { municipality: '0561', decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' }, ctx()));
    await run(new TransferServiceCommand('0561', { serviceArea: 'payroll', basis: { kind: 'federation', id: FEDERATION }, decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' }, ctx()));
    await expectRefused(run(new JoinFederationCommand(FEDERATION, { municipality: '9999', decidedOn: '2011-11-29', effectiveFrom: '2012-01-01' }, ctx())), 'not-found');

    const departure = ctx();
    const left = await run(
      new LeaveFederationCommand(
        FEDERATION,
        { municipality: '0561', decidedOn: '2015-06-01', effectiveFrom: '2016-01-01', successors: [{ municipality: '0561', serviceArea: 'payroll', basis: { kind: 'in-house' } }] },
        departure,
      ),
    );
    expect(types(left)).toEqual(['MemberLeft']);
    const leftEvent = (await read(streams.federation(FEDERATION))).find((e) => e.type === 'MemberLeft') as RecordedEvent;
    const successor = (await read(streams.municipality('0561'))).filter((e) => e.metadata.causationId === leftEvent.id);
    expect(successor.map((e) => e.type)).toEqual(['ServiceTransferred']);
    expect(successor[0].metadata.correlationId).toBe(departure.commandId);
    expect(left.position).toBeGreaterThanOrEqual(successor[0].position);
    // Rule 10: Linköping cannot leave a federation of two.
    await expectRefused(run(new LeaveFederationCommand(FEDERATION, { municipality: LINKOPING, decidedOn: '2016-06-01', effectiveFrom: '2017-01-01', successors: [] }, ctx())), 'too-few-members');

    await concludeAgreement();
    const extended = await run(new ExtendAgreementCommand(AGREEMENT, { validUntil: '2024-12-31', decidedOn: '2022-06-20' }, ctx()));
    expect(types(extended)).toEqual(['AgreementExtended']);
    await run(new TransferServiceCommand(LINKOPING, { serviceArea: 'payroll', basis: { kind: 'agreement', id: AGREEMENT }, decidedOn: '2019-12-16', effectiveFrom: '2020-01-01' }, ctx()));

    const termination = ctx();
    const terminated = await run(
      new TerminateAgreementCommand(
        AGREEMENT,
        { decidedOn: '2023-09-25', effectiveFrom: '2024-01-01', reason: 'Linköping takes payroll back in-house', successors: [{ municipality: LINKOPING, serviceArea: 'payroll', basis: { kind: 'in-house' } }] },
        termination,
      ),
    );
    expect(types(terminated)).toEqual(['AgreementTerminated']);
    const terminatedEvent = (await read(streams.agreement(AGREEMENT))).find((e) => e.type === 'AgreementTerminated') as RecordedEvent;
    const back = (await read(streams.municipality(LINKOPING))).filter((e) => e.metadata.causationId === terminatedEvent.id);
    expect(back.map((e) => [e.type, e.data.basis, e.data.effectiveFrom])).toEqual([['ServiceTransferred', { kind: 'in-house' }, '2024-01-01']]);
    expect(back[0].metadata.correlationId).toBe(termination.commandId);
    expect(terminated.position).toBeGreaterThanOrEqual(back[0].position);
  });

  it('agreement providers: a federation provider must exist, a region provider must be a county', async () => {
    const { provider: _provider, ...withoutProvider } = agreementInput;
    await expectRefused(run(new ProposeAgreementCommand({ ...agreementInput, id: 'by-a-ghost', provider: { kind: 'federation', id: 'no-such-federation' } }, ctx())), 'not-found');
    await expectRefused(run(new ProposeAgreementCommand({ ...agreementInput, id: 'by-a-region', provider: { kind: 'region', code: '02' } }, ctx())), 'not-found');
    expect(await read(streams.agreement('by-a-ghost'))).toHaveLength(0);
    expect(await read(streams.agreement('by-a-region'))).toHaveLength(0);

    await run(new FormFederationCommand(federationBody, ctx()));
    const byFederation = await run(
      new ProposeAgreementCommand({ ...agreementInput, id: 'finspang-buys-procurement', parties: [LINKOPING, NORRKOPING, '0562'], provider: { kind: 'federation', id: FEDERATION }, buyers: ['0562'], serviceAreas: ['procurement'] }, ctx()),
    );
    expect(types(byFederation)).toEqual(['AgreementProposed']);
    const byRegion = await run(new ProposeAgreementCommand({ ...agreementInput, id: 'region-ostergotland-it', provider: { kind: 'region', code: '05' }, serviceAreas: ['it-support'] }, ctx()));
    expect(types(byRegion)).toEqual(['AgreementProposed']);
    const letter = await run(new ProposeAgreementCommand({ ...withoutProvider, id: 'kolmarden-intent-2012', kind: 'intent', buyers: [], serviceAreas: [], councilApprovalRequired: false }, ctx()));
    expect(types(letter)).toEqual(['AgreementProposed']);
    // The id space is shared: an agreement cannot take the federation's id.
    await expectRefused(run(new ProposeAgreementCommand({ ...agreementInput, id: FEDERATION }, ctx())), 'already-exists');
  });

  it('studies: start, schedule and reach a milestone, conclude; the id space is shared', async () => {
    const started = await run(
      new StartStudyCommand(
        {
          id: 'la-linkoping-planering-2018',
          kind: 'development-project',
          title: 'Samlad planering för utveckling av LA-Linköping',
          parties: [LINKOPING, '0561', '0513', '0586', '0583'],
          otherParties: ['Region Östergötland'],
          owner: LINKOPING,
          funder: 'Tillväxtverket',
          serviceAreas: ['physical-planning'],
          startedOn: '2018-01-01',
          plannedEnd: '2020-12-31',
        },
        ctx(),
      ),
    );
    expect(started).toMatchObject({ id: 'la-linkoping-planering-2018', stream: 'study-la-linkoping-planering-2018', revision: 0 });
    const scheduled = await run(new ScheduleMilestoneCommand('la-linkoping-planering-2018', { milestoneId: 'interim-report', title: 'Interim report', due: '2019-06-30' }, ctx()));
    expect(types(scheduled)).toEqual(['MilestoneScheduled']);
    const reached = await run(new ReachMilestoneCommand('la-linkoping-planering-2018', { milestoneId: 'interim-report', reachedOn: '2019-06-14' }, ctx()));
    expect(types(reached)).toEqual(['MilestoneReached']);
    await expectRefused(run(new ReachMilestoneCommand('la-linkoping-planering-2018', { milestoneId: 'no-such-milestone', reachedOn: '2019-06-14' }, ctx())), 'not-found');
    const concluded = await run(new ConcludeStudyCommand('la-linkoping-planering-2018', { concludedOn: '2020-12-15', recommendation: 'proceed', summary: 'Continue.' }, ctx()));
    expect(types(concluded)).toEqual(['StudyConcluded']);
    expect(concluded.revision).toBe(3);

    const generated = await run(
      new StartStudyCommand({ kind: 'feasibility', title: 'Förstudie', parties: ['2581', '2560'], otherParties: [], serviceAreas: ['payroll', 'switchboard'], startedOn: '2013-12-18', plannedEnd: '2014-09-30' }, ctx()),
    );
    expect(generated.id).toMatch(/^study-[0-9a-f]{12}$/);
    await expectRefused(run(new StartStudyCommand({ id: 'unknown-party', kind: 'feasibility', title: 'x', parties: ['9999'], otherParties: [], serviceAreas: [], startedOn: '2013-12-18', plannedEnd: '2014-09-30' }, ctx())), 'not-found');
    await run(new FormFederationCommand(federationBody, ctx()));
    await expectRefused(
      run(new StartStudyCommand({ id: FEDERATION, kind: 'feasibility', title: 'x', parties: [LINKOPING], otherParties: [], serviceAreas: [], startedOn: '2013-12-18', plannedEnd: '2014-09-30' }, ctx())),
      'already-exists',
    );
  });

  it('reviews go to the federation or agreement stream; a study or an unknown id is not found', async () => {
    await run(new FormFederationCommand(federationBody, ctx()));
    await run(new ProposeAgreementCommand(agreementInput, ctx()));
    await run(new StartStudyCommand({ id: 'pitea-alvsbyn-2013', kind: 'feasibility', title: 'Förstudie', parties: ['2581', '2560'], otherParties: [], serviceAreas: [], startedOn: '2013-12-18', plannedEnd: '2014-09-30' }, ctx()));

    const onFederation = await run(new RecordReviewCommand(FEDERATION, { reviewedOn: '2019-05-20', outcome: 'revise', note: 'Restructure' }, ctx()));
    expect(onFederation).toMatchObject({ stream: streams.federation(FEDERATION), events: [{ type: 'ReviewRecorded' }] });
    const onAgreement = await run(new RecordReviewCommand(AGREEMENT, { reviewedOn: '2020-05-20', outcome: 'continue' }, ctx()));
    expect(onAgreement).toMatchObject({ stream: streams.agreement(AGREEMENT), events: [{ type: 'ReviewRecorded' }] });

    const before = (await everything()).length;
    await expectRefused(run(new RecordReviewCommand('pitea-alvsbyn-2013', { reviewedOn: '2015-05-20', outcome: 'continue' }, ctx())), 'not-found');
    await expectRefused(run(new RecordReviewCommand('nothing-here', { reviewedOn: '2015-05-20', outcome: 'continue' }, ctx())), 'not-found');
    expect((await everything()).length).toBe(before);
  });

  it('a correction names the transfer it corrects and may replace it on a covering basis', async () => {
    await formFederationWithTransfers();
    const [original] = (await read(streams.municipality(LINKOPING))).filter((e) => e.type === 'ServiceTransferred' && e.data.serviceArea === 'payroll');
    const transferId = original.data.transferId as string;

    await expectRefused(
      run(new CorrectTransferCommand(LINKOPING, { transferId, reason: 'x', replacement: { serviceArea: 'payroll', basis: { kind: 'agreement', id: AGREEMENT }, decidedOn: '2007-06-18', effectiveFrom: '2008-01-01' } }, ctx())),
      'not-found',
    );

    const context = ctx();
    const corrected = await run(
      new CorrectTransferCommand(LINKOPING, { transferId, reason: 'Recorded a year early', replacement: { serviceArea: 'payroll', basis: { kind: 'federation', id: FEDERATION }, decidedOn: '2008-06-18', effectiveFrom: '2009-01-01' } }, context),
    );
    expect(types(corrected)).toEqual(['CorrectionRecorded']);
    const correction = (await read(streams.municipality(LINKOPING))).find((e) => e.type === 'CorrectionRecorded') as RecordedEvent;
    expect(correction.data).toMatchObject({ corrects: { transferId, type: 'ServiceTransferred' }, replacement: { effectiveFrom: '2009-01-01', provider: { kind: 'federation', id: FEDERATION } } });
    const replacementId = (correction.data.replacement as { transferId: string }).transferId;
    expect(replacementId).not.toBe(transferId);

    const withdrawn = await run(new CorrectTransferCommand(LINKOPING, { transferId: replacementId, reason: 'Withdrawn' }, ctx()));
    expect(types(withdrawn)).toEqual(['CorrectionRecorded']);
    // Decision "corrections stay visible in the history": a correction may itself be corrected. Withdrawing
    // again what nothing stands for decides nothing new; correcting it again with a replacement is recorded.
    await expectRefused(run(new CorrectTransferCommand(LINKOPING, { transferId, reason: 'Again' }, ctx())), 'already-decided');
    const again = await run(
      new CorrectTransferCommand(LINKOPING, { transferId, reason: 'It was right, a year later', replacement: { serviceArea: 'payroll', basis: { kind: 'federation', id: FEDERATION }, decidedOn: '2008-06-18', effectiveFrom: '2010-01-01' } }, ctx()),
    );
    expect(types(again)).toEqual(['CorrectionRecorded']);
  });

  it('the service-area vocabulary grows; an existing slug is already-exists', async () => {
    const defined = await run(new DefineServiceAreaCommand({ slug: 'school-meals', nameSv: 'Skolmåltider', nameEn: 'School meals' }, ctx()));
    expect(defined).toMatchObject({ id: 'school-meals', stream: 'servicearea-school-meals', revision: 0, events: [{ type: 'ServiceAreaDefined' }] });
    // Known to the catalog:
    await expectRefused(run(new DefineServiceAreaCommand({ slug: 'payroll', nameSv: 'Lön', nameEn: 'Payroll' }, ctx())), 'already-exists');
    // Not yet in the catalog, but on its stream:
    await expectRefused(run(new DefineServiceAreaCommand({ slug: 'school-meals', nameSv: 'Skolmat', nameEn: 'School food' }, ctx())), 'already-exists');
    expect(await read('servicearea-school-meals')).toHaveLength(1);
  });
});
