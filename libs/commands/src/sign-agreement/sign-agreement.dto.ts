import { CalendarDateField, TextField } from '../http/validators';

export class SignAgreementDto {
  @TextField("Who signs: a party municipality's code, another party's name, or the providing federation's id", '0580')
  party!: string;

  @CalendarDateField('The date it was signed', '2019-12-18')
  signedOn!: string;
}
