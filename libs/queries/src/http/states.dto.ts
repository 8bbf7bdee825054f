import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AgreementEndedByDto, BasisViewDto } from './views.dto';

/** OpenAPI shapes of an arrangement's full state (GET /v1/{federations|agreements|studies}/{id}): the domain's state as folded from its stream, with its revision. */

export class SuccessorViewDto {
  @ApiProperty({ example: '0580' }) municipality!: string;
  @ApiProperty({ example: 'payroll' }) serviceArea!: string;
  @ApiProperty({ type: BasisViewDto }) basis!: BasisViewDto;
}

export class ReviewViewDto {
  @ApiProperty({ example: '2021-03-01' }) reviewedOn!: string;
  @ApiProperty({ enum: ['continue', 'revise', 'end'] }) outcome!: string;
  @ApiPropertyOptional() note?: string;
}

export class MembershipStateDto {
  @ApiProperty({ example: '0580' }) municipality!: string;
  @ApiProperty({ example: '2008-01-01' }) from!: string;
  @ApiPropertyOptional({
    example: '2019-12-31',
    description: 'The last day of the membership (inclusive): the day before its departure or the dissolution takes effect; absent while neither is recorded',
  })
  until?: string;
  @ApiPropertyOptional({ example: '2019-06-10', description: 'When the departure was decided' }) leftDecidedOn?: string;
}

export class EndingViewDto {
  @ApiProperty({ example: '2019-12-16' }) decidedOn!: string;
  @ApiProperty({ example: '2020-01-01' }) effectiveFrom!: string;
  @ApiProperty({ type: [SuccessorViewDto] }) successors!: SuccessorViewDto[];
}

export class TerminationViewDto extends EndingViewDto {
  @ApiProperty({ example: 'Replaced by a joint committee' }) reason!: string;
}

export class FederationStateDto {
  @ApiProperty({ enum: ['federation', 'joint-committee'] }) kind!: string;
  @ApiProperty({ enum: ['active', 'dissolved'] }) status!: string;
  @ApiProperty({ example: 'fjarde-storstadsregionen' }) id!: string;
  @ApiProperty({ example: 'Kommunalförbundet 4:e storstadsregionen' }) name!: string;
  @ApiProperty({ enum: ['federation', 'joint-committee'] }) form!: string;
  @ApiPropertyOptional({ example: '0580', description: 'A joint committee’s host municipality' }) host?: string;
  @ApiProperty({ type: [String], example: ['payroll', 'procurement'] }) serviceAreas!: string[];
  @ApiProperty({ example: '2007-06-18' }) decidedOn!: string;
  @ApiProperty({ example: '2008-01-01' }) effectiveFrom!: string;
  @ApiProperty({ type: [MembershipStateDto] }) memberships!: MembershipStateDto[];
  @ApiPropertyOptional({ type: EndingViewDto }) dissolution?: EndingViewDto;
  @ApiProperty({ type: [ReviewViewDto] }) reviews!: ReviewViewDto[];
  @ApiProperty({ example: 1, description: 'The stream revision this state is after (also the ETag)' }) revision!: number;
}

export class ProviderRefDto {
  @ApiProperty({ enum: ['municipality', 'federation', 'region'] }) kind!: string;
  @ApiPropertyOptional({ example: '0581' }) code?: string;
  @ApiPropertyOptional({ example: 'fjarde-storstadsregionen' }) id?: string;
}

export class SignatureViewDto {
  @ApiProperty({ example: '0580' }) party!: string;
  @ApiProperty({ example: '2019-11-25' }) signedOn!: string;
}

export class CouncilDecisionViewDto {
  @ApiProperty({ example: '0580' }) municipality!: string;
  @ApiProperty({ example: '2019-12-16' }) decidedOn!: string;
  @ApiProperty({ enum: ['approved', 'rejected'] }) outcome!: string;
  @ApiPropertyOptional({ example: 'KF 2019-12-16 § 455' }) reference?: string;
}

export class ExtensionViewDto {
  @ApiProperty({ example: '2024-12-31' }) validUntil!: string;
  @ApiProperty({ example: '2022-06-01' }) decidedOn!: string;
}

export class AgreementStateDto {
  @ApiProperty({
    enum: ['proposed', 'concluded', 'rejected', 'terminated', 'expired'],
    description: '`terminated` also from the day its providing federation’s dissolution takes effect (then with `endedBy`)',
  })
  status!: string;
  @ApiPropertyOptional({
    type: AgreementEndedByDto,
    description: 'Why a `terminated` agreement ended without an event of its own: its providing federation was dissolved (from the dissolution’s effectiveFrom; absent before that day, or when the agreement ended by itself first)',
  })
  endedBy?: AgreementEndedByDto;
  @ApiProperty({ example: 'lkp-buys-payroll-2020' }) id!: string;
  @ApiProperty({ enum: ['service', 'intent', 'cooperation'] }) kind!: string;
  @ApiProperty({ example: 'Linköping köper löne- och personaladministration av Norrköping' }) title!: string;
  @ApiProperty({ type: [String], example: ['0580', '0581'] }) parties!: string[];
  @ApiProperty({ type: [String] }) otherParties!: string[];
  @ApiPropertyOptional({ type: ProviderRefDto }) provider?: ProviderRefDto;
  @ApiProperty({ type: [String], example: ['0580'] }) buyers!: string[];
  @ApiProperty({ type: [String], example: ['payroll'] }) serviceAreas!: string[];
  @ApiProperty({ example: '2020-01-01' }) validFrom!: string;
  @ApiPropertyOptional({ example: '2022-12-31', description: 'The last day of the term (inclusive)' }) validUntil?: string;
  @ApiProperty() councilApprovalRequired!: boolean;
  @ApiPropertyOptional({ example: '2019-10-07' }) decidedOn?: string;
  @ApiProperty({ type: [SignatureViewDto] }) signatures!: SignatureViewDto[];
  @ApiProperty({ type: [CouncilDecisionViewDto] }) councilDecisions!: CouncilDecisionViewDto[];
  @ApiPropertyOptional({ example: '2019-12-16' }) concludedOn?: string;
  @ApiPropertyOptional({ example: '2019-12-20' }) rejectedOn?: string;
  @ApiProperty({ type: [ExtensionViewDto] }) extensions!: ExtensionViewDto[];
  @ApiPropertyOptional({ type: TerminationViewDto }) termination?: TerminationViewDto;
  @ApiProperty({ type: [ReviewViewDto] }) reviews!: ReviewViewDto[];
  @ApiProperty({ type: [String], description: 'Signatories that have not signed' }) missingSignatures!: string[];
  @ApiProperty({ type: [String], description: 'Party municipalities whose council has not decided (when approval is required)' }) missingCouncilDecisions!: string[];
  @ApiProperty({ example: 5, description: 'The stream revision this state is after (also the ETag)' }) revision!: number;
}

export class MilestoneViewDto {
  @ApiProperty({ example: 'pilot-report' }) milestoneId!: string;
  @ApiProperty({ example: 'Pilot report' }) title!: string;
  @ApiProperty({ example: '2014-06-30' }) due!: string;
  @ApiPropertyOptional({ example: '2014-06-20' }) reachedOn?: string;
}

export class StudyConclusionViewDto {
  @ApiProperty({ example: '2014-12-15' }) concludedOn!: string;
  @ApiProperty({ enum: ['proceed', 'partly', 'do-not-proceed'] }) recommendation!: string;
  @ApiProperty() summary!: string;
}

export class StudyStateDto {
  @ApiProperty({ enum: ['running', 'concluded'] }) status!: string;
  @ApiProperty({ example: 'pitea-alvsbyn-forstudier-2013' }) id!: string;
  @ApiProperty({ enum: ['feasibility', 'development-project', 'organisational-review'] }) kind!: string;
  @ApiProperty({ example: 'Förstudier om utökad samverkan mellan Piteå och Älvsbyn' }) title!: string;
  @ApiProperty({ type: [String], example: ['2581', '2560'] }) parties!: string[];
  @ApiProperty({ type: [String] }) otherParties!: string[];
  @ApiPropertyOptional({ example: '2581', description: 'The owning party municipality' }) owner?: string;
  @ApiPropertyOptional({ example: 'Tillväxtverket' }) funder?: string;
  @ApiProperty({ type: [String], example: ['payroll'] }) serviceAreas!: string[];
  @ApiProperty({ example: '2013-09-01' }) startedOn!: string;
  @ApiProperty({ example: '2014-12-31' }) plannedEnd!: string;
  @ApiProperty({ type: [MilestoneViewDto] }) milestones!: MilestoneViewDto[];
  @ApiPropertyOptional({ type: StudyConclusionViewDto }) conclusion?: StudyConclusionViewDto;
  @ApiProperty({ example: 3, description: 'The stream revision this state is after (also the ETag)' }) revision!: number;
}
