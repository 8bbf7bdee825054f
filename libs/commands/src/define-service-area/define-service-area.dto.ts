import { ServiceAreaField, TextField } from '../http/validators';

export class DefineServiceAreaDto {
  @ServiceAreaField('school-meals')
  slug!: string;

  @TextField('The Swedish name', 'Skolmåltider')
  nameSv!: string;

  @TextField('The English name', 'School meals')
  nameEn!: string;
}
