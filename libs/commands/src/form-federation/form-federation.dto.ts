import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { MUNICIPALITY_CODE } from '@samverkan/domain';
import { CalendarDateField, EnumField, MunicipalityCodesField, OptionalIdField, ServiceAreasField, TextField } from '../http/validators';

export const FEDERATION_FORMS = ['federation', 'joint-committee'] as const;

export class FormFederationDto {
  @OptionalIdField('Chosen by the client; generated when absent', 'fjarde-storstadsregionen')
  id?: string;

  @TextField('Name', 'Kommunalförbundet 4:e storstadsregionen')
  name!: string;

  @EnumField(FEDERATION_FORMS, 'A federation (kommunalförbund) or a joint committee (gemensam nämnd)', 'federation')
  form!: (typeof FEDERATION_FORMS)[number];

  @ApiPropertyOptional({ type: String, description: 'The host municipality of a joint committee (one of the members)', example: '0580' })
  @IsOptional()
  @IsString()
  @Matches(MUNICIPALITY_CODE, { message: 'host must be a 4-digit SCB municipality code' })
  host?: string;

  @MunicipalityCodesField('Member municipalities (at least two)', ['0580', '0581'])
  members!: string[];

  @ServiceAreasField('The service areas its charter (förbundsordning) lists', ['payroll', 'procurement'])
  serviceAreas!: string[];

  @CalendarDateField('The date it was decided', '2007-06-18')
  decidedOn!: string;

  @CalendarDateField('The date it takes effect', '2008-01-01')
  effectiveFrom!: string;
}
