import { DomainError } from '@samverkan/domain';

/**
 * What the register knows exists: municipalities and service areas (the vocabulary can
 * grow). The app provides it from the read model, which is caught up before it listens.
 */
export abstract class Catalog {
  abstract hasMunicipality(code: string): boolean;
  abstract hasServiceArea(slug: string): boolean;

  /** 404 for the first unknown code or slug. */
  assertKnown(input: { municipalities?: string[]; serviceAreas?: string[] }): void {
    for (const code of input.municipalities ?? []) if (!this.hasMunicipality(code)) throw new DomainError('not-found', `There is no municipality ${code}.`);
    for (const slug of input.serviceAreas ?? []) if (!this.hasServiceArea(slug)) throw new DomainError('not-found', `There is no service area '${slug}'.`);
  }
}
