import { Unknowns } from '@samverkan/domain';
import { regionName } from '@samverkan/reference-data';

/**
 * What the register knows exists: municipalities and service areas (the vocabulary can
 * grow). The app provides it from the read model, which is caught up before it listens.
 */
export abstract class Catalog {
  abstract hasMunicipality(code: string): boolean;
  abstract hasServiceArea(slug: string): boolean;

  /** The codes, slugs and region (county) codes among these that the register does not know, for the decider to refuse. */
  unknown(named: { municipalities?: readonly string[]; serviceAreas?: readonly string[]; regions?: readonly string[] }): Unknowns {
    return {
      municipalities: (named.municipalities ?? []).filter((code) => !this.hasMunicipality(code)),
      serviceAreas: (named.serviceAreas ?? []).filter((slug) => !this.hasServiceArea(slug)),
      regions: (named.regions ?? []).filter((code) => regionName(code) === undefined),
    };
  }
}
