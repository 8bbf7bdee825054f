import { Decider, DomainEvent } from '../shared/decider';
import { assertNever, refuse } from '../shared/domain-error';

export type ServiceAreaDefined = DomainEvent<'ServiceAreaDefined', { slug: string; nameSv: string; nameEn: string; scbActivityCode?: string }>;
export type ServiceAreaEvent = ServiceAreaDefined;

/** Registers a service area of the reference vocabulary; idempotent, as the vocabulary is registered on every start. */
export type DefineServiceArea = { type: 'DefineServiceArea'; slug: string; nameSv: string; nameEn: string; scbActivityCode?: string };
/** Adds a service area on request: the vocabulary can only grow, and a slug that is defined is refused. */
export type AddServiceArea = { type: 'AddServiceArea'; slug: string; nameSv: string; nameEn: string };
export type ServiceAreaCommand = DefineServiceArea | AddServiceArea;

export interface ServiceAreaState {
  defined: boolean;
}

export const SERVICE_AREA_SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

export const serviceAreaDecider: Decider<ServiceAreaCommand, ServiceAreaEvent, ServiceAreaState> = {
  decide(command, state) {
    switch (command.type) {
      case 'DefineServiceArea':
        // Defining is idempotent: the vocabulary is registered on every start and can only grow.
        if (state.defined) return [];
        return [{ type: 'ServiceAreaDefined', data: { slug: command.slug, nameSv: command.nameSv, nameEn: command.nameEn, ...(command.scbActivityCode ? { scbActivityCode: command.scbActivityCode } : {}) } }];
      case 'AddServiceArea':
        if (state.defined) refuse('already-exists', `The service area '${command.slug}' is already defined.`);
        return [{ type: 'ServiceAreaDefined', data: { slug: command.slug, nameSv: command.nameSv, nameEn: command.nameEn } }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ServiceAreaDefined':
        return { defined: true };
      default:
        return assertNever(event.type);
    }
  },
  initialState: { defined: false },
};
