import { NamedMunicipality, partyNameKey, Unknowns } from '@samverkan/domain';
import { loadMunicipalities, regionName } from '@samverkan/reference-data';

type Named = { municipalities?: readonly string[]; serviceAreas?: readonly string[]; regions?: readonly string[] };

/**
 * What the register knows exists: municipalities and service areas (the vocabulary can
 * grow). The app provides it from the read model, which is caught up before it listens.
 */
export abstract class Catalog {
  abstract hasMunicipality(code: string): boolean;
  abstract hasServiceArea(slug: string): boolean;

  /**
   * Brings the catalog up to the log as it is now. A name another instance has just defined may
   * not have reached this one's read model yet: before a name is reported unknown, the catalog
   * catches up, so an answer never depends on which instance a request reaches.
   */
  protected catchUp(): Promise<void> {
    return Promise.resolve();
  }

  /** The codes, slugs and region (county) codes among these that the register does not know, for the decider to refuse. */
  async unknown(named: Named): Promise<Unknowns> {
    const found = this.lookUp(named);
    if ((found.municipalities?.length ?? 0) + (found.serviceAreas?.length ?? 0) === 0) return found;
    await this.catchUp();
    return this.lookUp(named);
  }

  /**
   * The names among these that name a municipality of the reference data, with its code: its name
   * ("Linköping"), or the name of its council ("Linköpings kommun", "Linköping kommun", "Malmö stad"),
   * compared as `partyNameKey` compares them. For the decider, which refuses them (a party is one party).
   */
  municipalitiesNamed(names: readonly string[]): NamedMunicipality[] {
    return names.flatMap((name) => {
      const code = municipalityCodesByName().get(partyNameKey(name));
      return code === undefined ? [] : [{ name, code }];
    });
  }

  private lookUp(named: Named): Unknowns {
    return {
      municipalities: (named.municipalities ?? []).filter((code) => !this.hasMunicipality(code)),
      serviceAreas: (named.serviceAreas ?? []).filter((slug) => !this.hasServiceArea(slug)),
      regions: (named.regions ?? []).filter((code) => regionName(code) === undefined),
    };
  }
}

let codesByName: Map<string, string> | undefined;

function municipalityCodesByName(): Map<string, string> {
  codesByName ??= new Map(
    loadMunicipalities().flatMap(({ code, name }) => [name, `${name} kommun`, `${name}${name.endsWith('s') ? '' : 's'} kommun`, `${name} stad`].map((n) => [partyNameKey(n), code] as const)),
  );
  return codesByName;
}
