import { Inject, Injectable, Logger } from '@nestjs/common';
import { municipalityDecider, serviceAreaDecider, streams } from '@samverkan/domain';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { v5 as uuidv5 } from 'uuid';
import { CommandContext, SAMVERKAN_NAMESPACE } from '../command-path/command-context';
import { CommandPath } from '../command-path/command-path';

const SOURCE = 'samverkan:reference-data';

/**
 * Registers the 290 municipalities and the service-area vocabulary. Safe on every start:
 * the deciders decide nothing for what is already registered, and each registration's
 * command id is fixed, so two instances starting together cannot register twice.
 *
 * A stream that holds any event is registered (its first event is the registration: the
 * deciders refuse everything else before it), so each start costs one one-event read per
 * reference stream, not a fold of its history; only what is missing goes through the command path.
 */
@Injectable()
export class ReferenceSeeder {
  private readonly logger = new Logger(ReferenceSeeder.name);

  constructor(
    private readonly path: CommandPath,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async seed(): Promise<{ appended: number }> {
    let appended = 0;
    for (const m of loadMunicipalities()) {
      if (await this.exists(streams.municipality(m.code))) continue;
      const result = await this.path.run({
        decider: municipalityDecider,
        stream: streams.municipality(m.code),
        id: m.code,
        context: context(`register-municipality/${m.code}`),
        command: () => ({ type: 'RegisterMunicipality' as const, code: m.code, name: m.name, countyCode: m.countyCode, countyName: m.countyName }),
      });
      appended += result.events.length;
    }
    for (const area of loadServiceAreas()) {
      if (await this.exists(streams.serviceArea(area.slug))) continue;
      const result = await this.path.run({
        decider: serviceAreaDecider,
        stream: streams.serviceArea(area.slug),
        id: area.slug,
        context: context(`define-service-area/${area.slug}`),
        command: () => ({ type: 'DefineServiceArea' as const, ...area }),
      });
      appended += result.events.length;
    }
    if (appended > 0) this.logger.log(`Registered reference data: ${appended} events`);
    return { appended };
  }

  private async exists(stream: string): Promise<boolean> {
    return (await this.store.readStream(stream, { maxCount: 1 })).length > 0;
  }
}

function context(purpose: string): CommandContext {
  const commandId = uuidv5(purpose, SAMVERKAN_NAMESPACE);
  return { commandId, correlationId: commandId, causationId: commandId, actor: 'samverkan', source: SOURCE };
}
