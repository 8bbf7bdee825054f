import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ArrangementsQueryDto } from './arrangements.controller';

/** The fields a query string gets wrong, as the validation pipe would report them. */
const invalidFields = (query: Record<string, string>): string[] => validateSync(plainToInstance(ArrangementsQueryDto, query)).map((e) => e.property);

describe('decision: party means ever a party (the query checks the shape of on)', () => {
  it('given party and a real calendar date as on, then the query is valid', () => {
    expect(invalidFields({ party: '0561', on: '2016-12-31' })).toEqual([]);
    expect(invalidFields({ party: '0561', on: '2016-02-29', knownAt: '2016-06-01T00:00:00Z' })).toEqual([]);
  });

  it.each(['2019-02-30', '2019-13-01', '20190101', 'yesterday', '2019-1-1'])('given on=%s (not a real calendar date), then on is invalid', (on) => {
    expect(invalidFields({ party: '0561', on })).toEqual(['on']);
  });

  it('given on without party, then on is invalid: on narrows party and means nothing alone', () => {
    expect(invalidFields({ on: '2016-12-31' })).toEqual(['on']);
    expect(invalidFields({ kind: 'federation', on: '2016-12-31' })).toEqual(['on']);
  });

  it('given party without on, then the query is valid (ever a party)', () => {
    expect(invalidFields({ party: '0561' })).toEqual([]);
  });
});
