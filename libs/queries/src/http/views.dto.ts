import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of the answers (the contract's Queries section). */

export class ProviderViewDto {
  @ApiProperty({ enum: ['municipality', 'federation', 'region'], example: 'municipality' }) kind!: string;
  @ApiPropertyOptional({ example: '0581', description: 'For a municipality or region' }) code?: string;
  @ApiPropertyOptional({ example: 'fjarde-storstadsregionen', description: 'For a federation' }) id?: string;
  @ApiProperty({ example: 'Norrköping' }) name!: string;
}

export class BasisViewDto {
  @ApiProperty({ enum: ['in-house', 'federation', 'joint-committee', 'agreement'], example: 'agreement' }) kind!: string;
  @ApiPropertyOptional({ example: 'lkp-buys-payroll-2020' }) id?: string;
}

export class ProvisionDto {
  @ApiProperty({ example: 'payroll' }) serviceArea!: string;
  @ApiProperty({ type: ProviderViewDto }) provider!: ProviderViewDto;
  @ApiProperty({ type: BasisViewDto }) basis!: BasisViewDto;
  @ApiProperty({ type: String, nullable: true, example: '2020-01-01', description: 'First day; null when nothing was ever recorded (in-house by default)' }) since!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2022-12-31', description: 'Last day if the basis or a later transfer ends it; null when open-ended' }) until!: string | null;
  @ApiProperty({ example: false, description: 'In-house because the basis stopped being in force with no successor' }) lapsed!: boolean;
}

export class ProvisionsDto {
  @ApiProperty({ example: '0580' }) municipality!: string;
  @ApiProperty({ example: '2020-06-01' }) on!: string;
  @ApiProperty({ type: [ProvisionDto] }) provisions!: ProvisionDto[];
}

/** The transfer a correction named, by the event that recorded it (decision "corrections stay visible in the history"). */
export class CorrectedTransferRefDto {
  @ApiProperty({ example: '0b6f3c52-7d8e-5a41-9f0e-3c2b1a9d8e7f' }) transferId!: string;
  @ApiProperty({ enum: ['ServiceTransferred', 'CorrectionRecorded'], example: 'ServiceTransferred', description: 'ServiceTransferred, or the CorrectionRecorded whose replacement it is (a correction of a correction)' }) type!: string;
  @ApiProperty({ example: '6c1f0e9a-2b3d-4e5f-8a7b-9c0d1e2f3a4b' }) eventId!: string;
  @ApiProperty({ example: '2019-12-17T09:30:00.000Z' }) recordedAt!: string;
}

/** The correction (a CorrectionRecorded event) that withdrew or replaced what an entry rests on. */
export class CorrectionRefDto {
  @ApiProperty({ enum: ['CorrectionRecorded'], example: 'CorrectionRecorded' }) type!: string;
  @ApiProperty({ example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) eventId!: string;
  @ApiProperty({ example: '2020-02-03T09:00:00.000Z' }) recordedAt!: string;
}

export class HistoryEntryDto {
  @ApiProperty({ type: ProviderViewDto }) provider!: ProviderViewDto;
  @ApiProperty({ type: BasisViewDto }) basis!: BasisViewDto;
  @ApiProperty({ type: String, nullable: true, example: '2020-01-01' }) from!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2022-12-31', description: 'Last day (inclusive); null when open-ended' }) to!: string | null;
  @ApiProperty({ example: false }) lapsed!: boolean;
  @ApiProperty({ type: String, nullable: true, example: '2019-12-16' }) decidedOn!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2019-12-17T09:30:00.000Z' }) recordedAt!: string | null;
  @ApiPropertyOptional({ example: 'expired', description: 'For a lapse: why the basis ended' }) reason?: string;
  @ApiPropertyOptional({ description: 'The transfer this interval rests on' }) transferId?: string;
  @ApiPropertyOptional({ type: CorrectedTransferRefDto, description: "When the entry rests on a correction's replacement: the transfer that correction named" }) corrects?: CorrectedTransferRefDto;
  @ApiPropertyOptional({
    type: CorrectionRefDto,
    description: 'When the entry rests on a transfer a later correction withdrew or replaced (also by correcting the correction it rests on); it is listed as it stood before that correction, and as known before it the entry has no correctedBy',
  })
  correctedBy?: CorrectionRefDto;
}

export class MunicipalityDto {
  @ApiProperty({ example: '0580' }) code!: string;
  @ApiProperty({ example: 'Linköping' }) name!: string;
  @ApiProperty({ example: '05' }) countyCode!: string;
  @ApiProperty({ example: 'Östergötlands län' }) countyName!: string;
}

export class ServiceAreaDto {
  @ApiProperty({ example: 'payroll' }) slug!: string;
  @ApiProperty({ example: 'Löneadministration' }) nameSv!: string;
  @ApiProperty({ example: 'Payroll administration' }) nameEn!: string;
  @ApiPropertyOptional({ example: '270', description: 'Informational SCB activity code' }) scbActivityCode?: string;
}

export class RecipientDto {
  @ApiProperty({ type: MunicipalityDto }) municipality!: MunicipalityDto;
  @ApiProperty({ example: 'payroll' }) serviceArea!: string;
  @ApiProperty({ type: BasisViewDto }) basis!: BasisViewDto;
}

export class MatrixRowDto {
  @ApiProperty({ type: MunicipalityDto }) municipality!: MunicipalityDto;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ProvisionDto' }, description: 'One provision per service-area slug' }) cells!: Record<string, ProvisionDto>;
}

export class MatrixDto {
  @ApiProperty({ example: '2020-06-01' }) on!: string;
  @ApiProperty({ type: [String], example: ['payroll', 'procurement'] }) serviceAreas!: string[];
  @ApiProperty({ type: [MatrixRowDto] }) rows!: MatrixRowDto[];
}

/** Decision: a dissolved provider ends its agreements. */
export class AgreementEndedByDto {
  @ApiProperty({ enum: ['provider-dissolved'] }) kind!: string;
  @ApiProperty({ example: 'fjarde-storstadsregionen', description: 'The providing federation that was dissolved' }) federation!: string;
  @ApiProperty({ example: '2020-01-01', description: 'The dissolution’s effectiveFrom: the first day the agreement no longer holds' }) effectiveFrom!: string;
}

export class ArrangementSummaryDto {
  @ApiProperty({ enum: ['federation', 'joint-committee', 'agreement', 'study'] }) kind!: string;
  @ApiProperty({ example: 'lkp-buys-payroll-2020' }) id!: string;
  @ApiProperty({ example: 'Linköping buys payroll and HR administration from Norrköping' }) title!: string;
  @ApiProperty({ type: [String], example: ['0580', '0581'] }) parties!: string[];
  @ApiProperty({ example: 'concluded' }) status!: string;
  @ApiPropertyOptional({ type: AgreementEndedByDto, description: 'An agreement `terminated` because its providing federation was dissolved' }) endedBy?: AgreementEndedByDto;
  @ApiProperty({ type: [String], example: ['payroll'] }) serviceAreas!: string[];
}

/** An arrangement as facts name it (the reader names it by its title). */
export class ArrangementRefDto {
  @ApiProperty({ enum: ['federation', 'joint-committee', 'agreement', 'study'], example: 'agreement' }) kind!: string;
  @ApiProperty({ example: 'lkp-buys-payroll-2020' }) id!: string;
}

/** A party that signs an agreement: a municipality or region by its code, the providing federation by its id, anyone else by name. */
export class PartyRefDto {
  @ApiProperty({ enum: ['municipality', 'region', 'federation', 'other'], example: 'municipality' }) kind!: string;
  @ApiPropertyOptional({ example: '0581', description: 'A municipality or region' }) code?: string;
  @ApiPropertyOptional({ example: 'fjarde-storstadsregionen', description: 'The providing federation' }) id?: string;
  @ApiPropertyOptional({ example: 'Region Östergötland', description: 'Another party; a region when the agreement names it among its other parties' }) name?: string;
}

export class MilestoneRefDto {
  @ApiProperty({ example: 'pilot-report' }) id!: string;
  @ApiPropertyOptional({ example: 'Pilot report' }) title?: string;
}

export class CorrectionFactDto {
  @ApiProperty({ enum: ['withdrawn', 'replaced'] }) kind!: string;
  @ApiProperty({ example: '0b6f3c52-7d8e-5a41-9f0e-3c2b1a9d8e7f' }) transferId!: string;
}

/** What a timeline entry's summary says, as data: which fields depend on the entry's type (docs/contract.md). */
export class TimelineFactsDto {
  @ApiPropertyOptional({ example: '0580', description: 'The municipality the event is about (registered, transferred to, corrected, joining, leaving, its council deciding or rejecting)' }) municipality?: string;
  @ApiPropertyOptional({ example: 'Östergötlands län', description: 'MunicipalityRegistered' }) countyName?: string;
  @ApiPropertyOptional({ example: 'payroll', description: 'ServiceAreaDefined, ServiceTransferred, a correction’s replacement' }) serviceArea?: string;
  @ApiPropertyOptional({ type: BasisViewDto, description: 'ServiceTransferred, a correction’s replacement' }) basis?: BasisViewDto;
  @ApiPropertyOptional({ example: 'FederationDissolved', description: 'ServiceTransferred: the type of the event whose successor clause named it' }) successorOf?: string;
  @ApiPropertyOptional({ type: ArrangementRefDto, description: 'Every arrangement event' }) arrangement?: ArrangementRefDto;
  @ApiPropertyOptional({ enum: ['service', 'intent', 'cooperation'], description: 'AgreementProposed' }) agreementKind?: string;
  @ApiPropertyOptional({ type: [String], example: ['0580', '0581'], description: 'FederationFormed: its members; AgreementProposed, StudyStarted: the party municipalities' }) parties?: string[];
  @ApiPropertyOptional({ type: [String], description: 'AgreementProposed: the parties without a code, by name' }) otherParties?: string[];
  @ApiPropertyOptional({ type: PartyRefDto, description: 'AgreementSigned: who signs' }) party?: PartyRefDto;
  @ApiPropertyOptional({ example: '2019-12-16', description: 'The day it happened: signed, decided, reviewed, concluded, rejected, reached, started' }) on?: string;
  @ApiPropertyOptional({ example: '2024-12-31', description: 'AgreementExtended: the new last day; StudyStarted: the planned end' }) until?: string;
  @ApiPropertyOptional({ example: '2014-06-30', description: 'MilestoneScheduled' }) due?: string;
  @ApiPropertyOptional({ example: 'approved', description: 'ReviewRecorded (continue, revise, end), CouncilDecisionRecorded (approved, rejected), StudyConcluded (proceed, partly, do-not-proceed)' }) outcome?: string;
  @ApiPropertyOptional({ description: 'CouncilDecisionRecorded: the decision’s reference' }) reference?: string;
  @ApiPropertyOptional({ description: 'AgreementTerminated, CorrectionRecorded: the reason as recorded' }) reason?: string;
  @ApiPropertyOptional({ type: MilestoneRefDto, description: 'MilestoneScheduled and MilestoneReached: id, and the title the study scheduled it with (MilestoneReached: optional, absent from older services)' }) milestone?: MilestoneRefDto;
  @ApiPropertyOptional({ type: CorrectionFactDto, description: 'CorrectionRecorded: withdrawn or replaced, and which transfer' }) correction?: CorrectionFactDto;
}

export class TimelineEntryDto {
  @ApiProperty({ example: 1234 }) position!: number;
  @ApiProperty({ example: '2019-12-17T09:30:00.000Z' }) recordedAt!: string;
  @ApiProperty({ example: 'ServiceTransferred' }) type!: string;
  @ApiProperty({ example: 'municipality-0580' }) stream!: string;
  @ApiPropertyOptional({ example: '2020-01-01' }) effectiveFrom?: string;
  @ApiProperty({ example: '0580 gets payroll on agreement lkp-buys-payroll-2020 from 2020-01-01' }) summary!: string;
  @ApiProperty({ type: TimelineFactsDto, description: 'What the summary says, as data (codes, ids, slugs for the reader to name)' }) facts!: TimelineFactsDto;
}

export class TermDto {
  @ApiProperty({ example: '2018-10-15' }) start!: string;
  @ApiProperty({ example: '2022-10-14' }) end!: string;
}

export class FederationRefDto {
  @ApiProperty({ enum: ['federation'] }) kind!: string;
  @ApiProperty({ example: 'fjarde-storstadsregionen' }) id!: string;
}

export class AttentionMilestoneDto {
  @ApiProperty({ example: 'pilot-report' }) id!: string;
  @ApiProperty({ example: 'Pilot report' }) title!: string;
}

/** What an attention item's detail says, as data: which fields depend on the item's kind (docs/contract.md). */
export class AttentionFactsDto {
  @ApiPropertyOptional({ type: ArrangementRefDto, description: 'Every kind but provision-lapsed' }) arrangement?: ArrangementRefDto;
  @ApiPropertyOptional({ type: [PartyRefDto], description: 'awaiting-signature: those yet to sign' }) parties?: PartyRefDto[];
  @ApiPropertyOptional({ type: [String], example: ['0581'], description: 'awaiting-council-decision: the party municipalities whose council has not decided' }) municipalities?: string[];
  @ApiPropertyOptional({ example: '0580', description: 'provision-lapsed' }) municipality?: string;
  @ApiPropertyOptional({ example: 'payroll', description: 'provision-lapsed' }) serviceArea?: string;
  @ApiPropertyOptional({ type: BasisViewDto, description: 'provision-lapsed: the basis that ended' }) basis?: BasisViewDto;
  @ApiPropertyOptional({ enum: ['dissolved', 'left', 'terminated', 'expired', 'provider-dissolved', 'not-a-member'], description: 'provision-lapsed: why the basis ended' }) reason?: string;
  @ApiPropertyOptional({ enum: ['terminated', 'expires'], description: 'agreement-ending: terminated from `on`, or expires with `on` its last day' }) ending?: string;
  @ApiPropertyOptional({ type: FederationRefDto, description: 'agreement-ending: the providing federation whose dissolution ends it' }) provider?: FederationRefDto;
  @ApiPropertyOptional({ example: '2023-01-01', description: 'agreement-ending: the day; provision-lapsed: the first day in-house; study-overdue: the planned end; milestone-overdue: when it was due' }) on?: string;
  @ApiPropertyOptional({ type: TermDto, description: 'review-overdue: the term of office without a review' }) term?: TermDto;
  @ApiPropertyOptional({ type: AttentionMilestoneDto, description: 'milestone-overdue' }) milestone?: AttentionMilestoneDto;
}

export class AttentionItemDto {
  @ApiProperty({ enum: ['awaiting-signature', 'awaiting-council-decision', 'agreement-ending', 'provision-lapsed', 'review-overdue', 'study-overdue', 'milestone-overdue'] }) kind!: string;
  @ApiProperty({ example: '0580/payroll' }) subject!: string;
  @ApiProperty({ example: "Linköping's payroll lapsed to in-house on 2023-01-01" }) detail!: string;
  @ApiPropertyOptional({ example: '2023-01-01' }) due?: string;
  @ApiProperty({ type: AttentionFactsDto, description: 'What the detail says, as data (codes, ids, slugs for the reader to name)' }) facts!: AttentionFactsDto;
}

export class MembershipDto {
  @ApiProperty({ example: 'fjarde-storstadsregionen' }) id!: string;
  @ApiProperty({ example: 'Kommunalförbundet 4:e storstadsregionen' }) name!: string;
  @ApiProperty({ enum: ['federation', 'joint-committee'] }) form!: string;
  @ApiProperty({ example: '2008-01-01' }) from!: string;
  @ApiProperty({ type: String, nullable: true, example: '2019-12-31', description: 'The last day of the membership (inclusive); null while open' }) until!: string | null;
  @ApiProperty({ example: 'dissolved' }) status!: string;
}

export class MunicipalityDetailDto extends MunicipalityDto {
  @ApiProperty({ type: [MembershipDto] }) memberships!: MembershipDto[];
  @ApiProperty({ type: [ArrangementSummaryDto] }) arrangements!: ArrangementSummaryDto[];
}
