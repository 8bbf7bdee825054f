import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Basis, COUNTY_CODE, ID_PATTERN, MUNICIPALITY_CODE, ProviderRef, Successor } from '@samverkan/domain';
import { Check, MunicipalityCodeField, NestedField, ServiceAreaField } from './validators';

const BASIS_KINDS = ['in-house', 'federation', 'joint-committee', 'agreement'] as const;
const PROVIDER_KINDS = ['municipality', 'federation', 'region'] as const;

export class BasisDto {
  @ApiProperty({ enum: BASIS_KINDS, example: 'agreement' })
  @IsIn([...BASIS_KINDS], { message: `kind must be one of: ${BASIS_KINDS.join(', ')}` })
  kind!: Basis['kind'];

  @ApiPropertyOptional({ type: String, pattern: ID_PATTERN.source, description: 'The arrangement id; required unless kind is in-house, where it must be absent', example: 'lkp-buys-payroll-2020' })
  @Check((id, o) => (o.kind === 'in-house' ? id === undefined : typeof id === 'string' && ID_PATTERN.test(id)), 'id must be an arrangement id, and in-house takes none')
  id?: string;
}

export function toBasis(dto: BasisDto): Basis {
  return dto.kind === 'in-house' ? { kind: 'in-house' } : { kind: dto.kind, id: dto.id as string };
}

export class ProviderDto {
  @ApiProperty({ enum: PROVIDER_KINDS, example: 'municipality' })
  @IsIn([...PROVIDER_KINDS], { message: `kind must be one of: ${PROVIDER_KINDS.join(', ')}` })
  kind!: ProviderRef['kind'];

  @ApiPropertyOptional({ type: String, description: 'A municipality code (4 digits) or a region code (2 digits, the county); absent for a federation', example: '0581' })
  @Check(
    (code, o) => (o.kind === 'municipality' ? typeof code === 'string' && MUNICIPALITY_CODE.test(code) : o.kind === 'region' ? typeof code === 'string' && COUNTY_CODE.test(code) : code === undefined),
    'code must be a 4-digit municipality code (municipality), a 2-digit county code (region), and absent for a federation',
  )
  code?: string;

  @ApiPropertyOptional({ type: String, pattern: ID_PATTERN.source, description: 'The federation id; only for a federation', example: 'fjarde-storstadsregionen' })
  @Check((id, o) => (o.kind === 'federation' ? typeof id === 'string' && ID_PATTERN.test(id) : id === undefined), 'id must be a federation id, and only a federation provider has one')
  id?: string;
}

export function toProvider(dto: ProviderDto): ProviderRef {
  return dto.kind === 'federation' ? { kind: 'federation', id: dto.id as string } : { kind: dto.kind, code: dto.code as string };
}

export class SuccessorDto {
  @MunicipalityCodeField('The municipality whose provision is succeeded')
  municipality!: string;

  @ServiceAreaField()
  serviceArea!: string;

  @NestedField(() => BasisDto, 'The basis of the successor transfer')
  basis!: BasisDto;
}

/** The successors of a dissolution, departure or termination (rule 5), with domain bases. */
export function toSuccessors(dtos: SuccessorDto[] | undefined): Successor[] {
  return (dtos ?? []).map((s) => ({ municipality: s.municipality, serviceArea: s.serviceArea, basis: toBasis(s.basis) }));
}

/** One event a command appended: its type and its id. */
export class AppendedEventDto {
  @ApiProperty({ example: 'AgreementSigned' }) type!: string;
  @ApiProperty({ example: '6f1c2a9e-3b4d-4c8e-9f10-2a3b4c5d6e7f', description: 'The event id (a UUID)' }) id!: string;
}

export class CommandResultDto {
  @ApiProperty({ example: 'lkp-buys-payroll-2020' }) id!: string;
  @ApiProperty({ example: 'agreement-lkp-buys-payroll-2020' }) stream!: string;
  @ApiProperty({ example: 3 }) revision!: number;
  @ApiProperty({ example: 1234 }) position!: number;
  @ApiProperty({ type: [AppendedEventDto], description: 'The events the command appended, in order' }) events!: AppendedEventDto[];
}

