export { loadMunicipalities, loadServiceAreas, loadRegions, regionName } from './reference-data';
export type { MunicipalityRecord, ServiceAreaRecord, RegionRecord } from './reference-data';
