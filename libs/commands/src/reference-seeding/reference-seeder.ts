import { Injectable, Logger } from '@nestjs/common';
import { Decider, StreamCategory, StreamEvents, StreamName } from '@samverkan/domain';
import { loadMunicipalities, loadServiceAreas } from '@samverkan/reference-data';
import { v5 as uuidv5 } from 'uuid';
import { SAMVERKAN_NAMESPACE } from '../command-path/command-context';
import { UseCaseTools, on } from '../use-case';

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

  constructor(private readonly tools: UseCaseTools) {}

  async seed(): Promise<{ appended: number }> {
    let appended = 0;
    for (const m of loadMunicipalities()) {
      const { code, name, countyCode, countyName } = m;
      appended += await this.register(on.municipality(code), `register-municipality/${code}`, { type: 'RegisterMunicipality' as const, code, name, countyCode, countyName });
    }
    for (const area of loadServiceAreas()) appended += await this.register(on.serviceArea(area.slug), `define-service-area/${area.slug}`, { type: 'DefineServiceArea' as const, ...area });
    if (appended > 0) this.logger.log(`Registered reference data: ${appended} events`);
    return { appended };
  }

  /** Registers what `command` registers on `target`'s stream unless the stream holds an event; the number of events appended. */
  private async register<C, K extends StreamCategory, S>(target: { id: string; stream: StreamName<K>; decider: Decider<C, StreamEvents[K], S> }, purpose: string, command: C): Promise<number> {
    if ((await this.tools.store.readStream(target.stream, { maxCount: 1 })).length > 0) return 0;
    const commandId = uuidv5(purpose, SAMVERKAN_NAMESPACE);
    const context = { commandId, correlationId: commandId, causationId: commandId, actor: 'samverkan', source: SOURCE };
    return (await this.tools.path.run({ ...target, context, command: () => command })).events.length;
  }
}
