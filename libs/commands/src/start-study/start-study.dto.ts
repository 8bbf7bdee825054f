import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { MUNICIPALITY_CODE } from '@samverkan/domain';
import {
  CalendarDateField,
  EnumField,
  MunicipalityCodesField,
  OptionalIdField,
  OptionalTextField,
  OptionalTextsField,
  ServiceAreasField,
  TextField,
} from '../http/validators';

export const STUDY_KINDS = ['feasibility', 'development-project', 'organisational-review'] as const;

export class StartStudyDto {
  @OptionalIdField('Chosen by the client; generated when absent', 'la-linkoping-planering-2018')
  id?: string;

  @EnumField(STUDY_KINDS, 'A feasibility study (förstudie), a development project (projekt) or an organisational review (organisationsöversyn)', 'development-project')
  kind!: (typeof STUDY_KINDS)[number];

  @TextField('Title', 'Samlad planering för utveckling av LA-Linköping')
  title!: string;

  @MunicipalityCodesField('Party municipalities (SCB codes)', ['0580', '0561', '0513', '0586', '0583'])
  parties!: string[];

  @OptionalTextsField('Parties that are not municipalities, by name', ['Region Östergötland'])
  otherParties?: string[];

  @ApiPropertyOptional({ type: String, description: 'The owning party municipality (projektägare)', example: '0580' })
  @IsOptional()
  @IsString()
  @Matches(MUNICIPALITY_CODE, { message: 'owner must be a 4-digit SCB municipality code' })
  owner?: string;

  @OptionalTextField('Who funds it, by name', 'Tillväxtverket', 300)
  funder?: string;

  @ServiceAreasField('The service areas it studies (may be empty)', ['physical-planning', 'specialist-competence'], 0)
  serviceAreas!: string[];

  @CalendarDateField('The date it started', '2018-01-01')
  startedOn!: string;

  @CalendarDateField('The date it is planned to end; unconcluded after it, it is on the attention list', '2020-12-31')
  plannedEnd!: string;
}
