/**
 * A party is one party (domain.md, Decisions): a municipality or region is named by its code, once.
 * The regions' names are here because a region named in an agreement's `otherParties` signs by its
 * code, and `signatories` (read by the decider and by every view) derives that from the state alone.
 * They are the names of `@samverkan/reference-data` (libs/commands checks that the two agree).
 */
const REGION_CODES_BY_NAME: ReadonlyMap<string, string> = new Map(
  Object.entries({
    '01': 'Region Stockholm',
    '03': 'Region Uppsala',
    '04': 'Region Sörmland',
    '05': 'Region Östergötland',
    '06': 'Region Jönköpings län',
    '07': 'Region Kronoberg',
    '08': 'Region Kalmar län',
    '09': 'Region Gotland',
    '10': 'Region Blekinge',
    '12': 'Region Skåne',
    '13': 'Region Halland',
    '14': 'Västra Götalandsregionen',
    '17': 'Region Värmland',
    '18': 'Region Örebro län',
    '19': 'Region Västmanland',
    '20': 'Region Dalarna',
    '21': 'Region Gävleborg',
    '22': 'Region Västernorrland',
    '23': 'Region Jämtland Härjedalen',
    '24': 'Region Västerbotten',
    '25': 'Region Norrbotten',
  }).map(([code, name]) => [partyNameKey(name), code]),
);

/** How names are compared: Unicode NFC, spaces collapsed and trimmed, case ignored ("region  skåne" is "Region Skåne"). */
export function partyNameKey(name: string): string {
  return name.normalize('NFC').replace(/\s+/gu, ' ').trim().toLocaleLowerCase('sv');
}

/** The county code of the region this name names, if it names one. */
export function regionCodeOfName(name: string): string | undefined {
  return REGION_CODES_BY_NAME.get(partyNameKey(name));
}

/** The regions' names as compared (`partyNameKey`) by county code, for the check that they agree with the reference data. */
export function regionNamesByCode(): Record<string, string> {
  return Object.fromEntries([...REGION_CODES_BY_NAME].map(([key, code]) => [code, key]));
}
