import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './csv';

export interface MunicipalityRecord {
  code: string;
  name: string;
  countyCode: string;
  countyName: string;
}

export interface ServiceAreaRecord {
  slug: string;
  nameSv: string;
  nameEn: string;
  /** Informational: copied from a third-party quote (see the data's origin in the README). */
  scbActivityCode?: string;
}

export interface RegionRecord {
  code: string;
  name: string;
}

/**
 * The files ship with the project (copied from the shared reference data): the 290
 * municipalities with SCB codes and counties, and the starting service-area vocabulary.
 */
const DATA_DIR = join(__dirname, '..', 'data');

let municipalities: MunicipalityRecord[] | undefined;
let serviceAreas: ServiceAreaRecord[] | undefined;

export function loadMunicipalities(): MunicipalityRecord[] {
  municipalities ??= parseCsv(readFileSync(join(DATA_DIR, 'municipalities.csv'), 'utf8')).map((r) => ({
    code: r.code,
    name: r.name,
    countyCode: r.county_code,
    countyName: r.county_name,
  }));
  return municipalities;
}

export function loadServiceAreas(): ServiceAreaRecord[] {
  serviceAreas ??= parseCsv(readFileSync(join(DATA_DIR, 'service-areas.csv'), 'utf8')).map((r) => ({
    slug: r.slug,
    nameSv: r.name_sv,
    nameEn: r.name_en,
    ...(r.scb_activity_code ? { scbActivityCode: r.scb_activity_code } : {}),
  }));
  return serviceAreas;
}

/** The 21 regions, by county code: they may provide under agreements and take part in projects. */
const REGION_NAMES: Record<string, string> = {
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
};

export function regionName(countyCode: string): string | undefined {
  return REGION_NAMES[countyCode];
}

export function loadRegions(): RegionRecord[] {
  return Object.entries(REGION_NAMES).map(([code, name]) => ({ code, name }));
}
