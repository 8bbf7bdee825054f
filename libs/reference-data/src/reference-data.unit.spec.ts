import { loadMunicipalities, loadRegions, loadServiceAreas, regionName } from './index';
import { parseCsv } from './csv';

describe('reference data', () => {
  it('has the 290 municipalities with 4-digit codes whose first two digits are the county', () => {
    const municipalities = loadMunicipalities();
    expect(municipalities).toHaveLength(290);
    expect(new Set(municipalities.map((m) => m.code)).size).toBe(290);
    for (const m of municipalities) {
      expect(m.code).toMatch(/^\d{4}$/);
      expect(m.code.slice(0, 2)).toBe(m.countyCode);
    }
    expect(municipalities.find((m) => m.code === '0580')).toEqual({ code: '0580', name: 'Linköping', countyCode: '05', countyName: 'Östergötlands län' });
  });

  it('has the service-area vocabulary, quoted names included', () => {
    const areas = loadServiceAreas();
    expect(areas.length).toBeGreaterThanOrEqual(33);
    expect(areas.find((a) => a.slug === 'payroll')).toEqual({ slug: 'payroll', nameSv: 'Löneadministration', nameEn: 'Payroll administration' });
    expect(areas.find((a) => a.slug === 'public-transport')?.nameSv).toBe('Buss, bil och spårbunden persontrafik');
    expect(areas.find((a) => a.slug === 'rescue-services')?.scbActivityCode).toBe('270');
  });

  it('names a region for every county that has municipalities', () => {
    const counties = new Set(loadMunicipalities().map((m) => m.countyCode));
    for (const county of counties) expect(regionName(county)).toBeDefined();
    expect(loadRegions()).toHaveLength(counties.size);
    expect(regionName('05')).toBe('Region Östergötland');
  });

  it('parses quoted fields with commas, doubled quotes and CRLF', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n')).toEqual([{ a: 'x, y', b: 'say "hi"' }]);
  });
});
