import { spec } from '../testing/decider-spec';
import { SERVICE_AREA_SLUG, serviceAreaDecider } from './service-area';

const define = { type: 'DefineServiceArea' as const, slug: 'payroll', nameSv: 'Löneadministration', nameEn: 'Payroll' };
const defined = { type: 'ServiceAreaDefined' as const, data: { slug: 'payroll', nameSv: 'Löneadministration', nameEn: 'Payroll' } };

describe('service area decider', () => {
  it('defines a service area, with its SCB activity code when given', () => {
    spec(serviceAreaDecider).given([]).when(define).then([defined]);
    spec(serviceAreaDecider)
      .given([])
      .when({ ...define, scbActivityCode: '84.11' })
      .then([{ ...defined, data: { ...defined.data, scbActivityCode: '84.11' } }]);
  });

  it('defining again changes nothing (idempotent)', () => {
    spec(serviceAreaDecider).given([defined]).when(define).then([]);
  });

  it('adds a service area on request, and refuses a slug that is defined', () => {
    const add = { ...define, type: 'AddServiceArea' as const };
    spec(serviceAreaDecider).given([]).when(add).then([defined]);
    spec(serviceAreaDecider).given([defined]).when(add).thenRefuses('already-exists');
  });

  it('slugs follow the id pattern', () => {
    expect(SERVICE_AREA_SLUG.test('rescue-services')).toBe(true);
    expect(SERVICE_AREA_SLUG.test('Payroll')).toBe(false);
    expect(SERVICE_AREA_SLUG.test('-payroll')).toBe(false);
    expect(SERVICE_AREA_SLUG.test('p')).toBe(false);
  });
});
