import { DynamicModule, Module } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { Clock, SystemClock } from '@samverkan/shared';
import { Catalog } from '../catalog';

/** The catalog the app builds from the read model, here straight from the reference data. */
export class ReferenceCatalog extends Catalog {
  private readonly municipalities = new Set(loadMunicipalities().map((m) => m.code));
  private readonly serviceAreas = new Set(loadServiceAreas().map((a) => a.slug));
  hasMunicipality(code: string): boolean {
    return this.municipalities.has(code);
  }
  hasServiceArea(slug: string): boolean {
    return this.serviceAreas.has(slug);
  }
}

/** What the app provides to CommandsModule in the specs: the store, a clock and a catalog. */
@Module({})
export class TestInfrastructure {
  static with(store: EventStore): DynamicModule {
    return {
      module: TestInfrastructure,
      global: true,
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: Clock, useValue: new SystemClock() },
        { provide: Catalog, useValue: new ReferenceCatalog() },
      ],
      exports: [EVENT_STORE, Clock, Catalog],
    };
  }
}
