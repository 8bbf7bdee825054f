import { Inject, Injectable } from '@nestjs/common';
import { ARRANGEMENT_CATEGORIES, AgreementState, ArrangementCategory, Basis, FederationState, ResolvedBases, agreementDecider, federationDecider, streams } from '@samverkan/domain';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { StreamStateCache } from '../command-path/stream-state-cache';

/**
 * Reads arrangements straight from their streams (never from a read model), for deciding
 * commands that depend on another stream: the current state from the command path's state
 * cache (its fold plus the stream's tail).
 */
@Injectable()
export class ArrangementLoader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly states: StreamStateCache,
  ) {}

  async federation(id: string): Promise<FederationState> {
    return (await this.states.load(streams.federation(id), federationDecider)).state;
  }

  async agreement(id: string): Promise<AgreementState> {
    return (await this.states.load(streams.agreement(id), agreementDecider)).state;
  }

  /** Loads every arrangement the bases name, with the federation that provides under an agreement. */
  async resolve(bases: Basis[]): Promise<ResolvedBases> {
    const resolved: ResolvedBases = { federations: {}, agreements: {} };
    for (const basis of bases) {
      if (basis.kind === 'federation' || basis.kind === 'joint-committee') {
        resolved.federations[basis.id] ??= await this.federation(basis.id);
      } else if (basis.kind === 'agreement') {
        const agreement = (resolved.agreements[basis.id] ??= await this.agreement(basis.id));
        const provider = agreement.provider;
        if (provider?.kind === 'federation') resolved.federations[provider.id] ??= await this.federation(provider.id);
      }
    }
    return resolved;
  }

  /**
   * The streams a decision on `basis` depends on, checked in its append: the basis's own stream,
   * and for an agreement provided by a federation that federation's too (its dissolution ends the
   * agreement's provisions, rule 4, so a dissolution must not slip in between the check and the
   * append). The provider is fixed when the agreement is proposed, so it can be read first.
   */
  async basisReads(basis: Basis): Promise<string[]> {
    const own = basisStream(basis);
    if (own === undefined) return [];
    if (basis.kind !== 'agreement') return [own];
    const provider = (await this.agreement(basis.id)).provider;
    return provider?.kind === 'federation' ? [own, streams.federation(provider.id)] : [own];
  }

  /** Which kind of arrangement holds `id`, if any (federations, joint committees, agreements and studies share one id space). */
  async kindOf(id: string): Promise<ArrangementCategory | undefined> {
    for (const category of ARRANGEMENT_CATEGORIES) {
      if ((await this.store.readStream(streams[category](id), { maxCount: 1 })).length > 0) return category;
    }
    return undefined;
  }

  /** The ids among these that name no federation (a joint committee is not one). */
  async notFederations(ids: string[]): Promise<string[]> {
    const found = await Promise.all(ids.map(async (id) => ({ id, federation: await this.federation(id) })));
    return found.filter(({ federation }) => federation.status === 'none' || federation.form !== 'federation').map(({ id }) => id);
  }
}

/**
 * What a create of a federation, joint committee, agreement or study depends on besides its own
 * stream: the id space is shared, so the other arrangements' streams of the id are checked, in the
 * same atomic append, to be as the create found them (absent), and two creates of different kinds
 * with one id cannot both find it free, at one instance or at two.
 */
export function idSpace(id: string, own: ArrangementCategory): string[] {
  return ARRANGEMENT_CATEGORIES.filter((category) => category !== own).map((category) => streams[category](id));
}

/** The stream a basis lives on (in-house has none). */
export function basisStream(basis: Basis): string | undefined {
  switch (basis.kind) {
    case 'in-house':
      return undefined;
    case 'federation':
    case 'joint-committee':
      return streams.federation(basis.id);
    case 'agreement':
      return streams.agreement(basis.id);
  }
}
