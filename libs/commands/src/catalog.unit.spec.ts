import { partyNameKey, regionNamesByCode } from '@samverkan/domain';
import { loadRegions } from '@samverkan/reference-data';
import { ReferenceCatalog } from './testing/test-infrastructure';

describe('decision: a party is one party (the facts the catalog gathers)', () => {
  const catalog = new ReferenceCatalog();

  it('finds the entries of otherParties that name a municipality, with its code, by its name or its council', () => {
    expect(catalog.municipalitiesNamed(['Linköping', 'Tillväxtverket', 'Norrköpings kommun', ' malmö  stad ', 'Region Östergötland'])).toEqual([
      { name: 'Linköping', code: '0580' },
      { name: 'Norrköpings kommun', code: '0581' },
      { name: ' malmö  stad ', code: '1280' },
    ]);
  });

  it("the domain's region names (a region signs by its code) are the reference data's", () => {
    expect(regionNamesByCode()).toEqual(Object.fromEntries(loadRegions().map((r) => [r.code, partyNameKey(r.name)])));
  });
});
