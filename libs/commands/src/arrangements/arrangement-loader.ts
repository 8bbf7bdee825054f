import { Inject, Injectable } from '@nestjs/common';
import {
  AgreementState,
  Basis,
  Decider,
  DomainError,
  FederationState,
  ResolvedBases,
  StreamCategory,
  StreamEvents,
  StreamName,
  StudyState,
  agreementDecider,
  federationDecider,
  streams,
  studyDecider,
} from '@samverkan/domain';
import { EVENT_STORE, EventStore } from '@samverkan/event-store';
import { AsOf, Loaded, foldAsOf } from '@samverkan/shared';
import { StreamStateCache } from '../command-path/stream-state-cache';

export type ArrangementStreamKind = 'federation' | 'agreement' | 'study';


/**
 * Reads arrangements straight from their streams (never from a read model), for deciding
 * commands that depend on another stream and for full-state queries that must be exact. The
 * current state comes from the command path's state cache (its fold plus the stream's tail);
 * a past state (`asOf`) is folded from the stream.
 */
@Injectable()
export class ArrangementLoader {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly states: StreamStateCache,
  ) {}

  federation(id: string, asOf: AsOf = {}): Promise<Loaded<FederationState>> {
    return this.load(streams.federation(id), federationDecider, asOf);
  }

  agreement(id: string, asOf: AsOf = {}): Promise<Loaded<AgreementState>> {
    return this.load(streams.agreement(id), agreementDecider, asOf);
  }

  study(id: string, asOf: AsOf = {}): Promise<Loaded<StudyState>> {
    return this.load(streams.study(id), studyDecider, asOf);
  }

  /** Loads every arrangement the bases name, with the federation that provides under an agreement. */
  async resolve(bases: Basis[]): Promise<ResolvedBases> {
    const resolved: ResolvedBases = { federations: {}, agreements: {} };
    for (const basis of bases) {
      if (basis.kind === 'federation' || basis.kind === 'joint-committee') {
        resolved.federations[basis.id] ??= (await this.federation(basis.id)).state;
      } else if (basis.kind === 'agreement') {
        const agreement = (resolved.agreements[basis.id] ??= (await this.agreement(basis.id)).state);
        const provider = agreement.provider;
        if (provider?.kind === 'federation') resolved.federations[provider.id] ??= (await this.federation(provider.id)).state;
      }
    }
    return resolved;
  }

  /**
   * The streams a decision on `basis` reads, to lock while deciding: the basis's own stream, and
   * for an agreement provided by a federation that federation's too (its dissolution ends the
   * agreement's provisions, rule 4, so a dissolution must not slip in between the check and the
   * append). The provider is fixed when the agreement is proposed, on the agreement's own stream,
   * which is locked with it: it can be read before the locks are taken.
   */
  async basisLocks(basis: Basis): Promise<string[]> {
    const own = basisStream(basis);
    if (own === undefined) return [];
    if (basis.kind !== 'agreement') return [own];
    const provider = (await this.agreement(basis.id)).state.provider;
    return provider?.kind === 'federation' ? [own, streams.federation(provider.id)] : [own];
  }

  /** Federations, joint committees, agreements and studies share one id space. */
  async assertIdFree(id: string): Promise<void> {
    for (const stream of [streams.federation(id), streams.agreement(id), streams.study(id)]) {
      const existing = await this.store.readStream(stream, { maxCount: 1 });
      if (existing.length > 0) throw new DomainError('already-exists', `The id '${id}' is already used by ${existing[0].type === 'StudyStarted' ? 'a study' : existing[0].type === 'AgreementProposed' ? 'an agreement' : 'a federation or joint committee'}.`);
    }
  }

  /** Which kind of arrangement holds `id`, if any. */
  async kindOf(id: string): Promise<ArrangementStreamKind | undefined> {
    for (const kind of ['federation', 'agreement', 'study'] as const) {
      if ((await this.store.readStream(`${kind}-${id}`, { maxCount: 1 })).length > 0) return kind;
    }
    return undefined;
  }

  private async load<C extends StreamCategory, S>(stream: StreamName<C>, decider: Decider<never, StreamEvents[C], S>, asOf: AsOf): Promise<Loaded<S>> {
    if (asOf.atRevision === undefined && asOf.knownAt === undefined) {
      const { state, revision } = await this.states.load(stream, decider);
      return { state, revision };
    }
    return foldAsOf(stream, decider, await this.store.readStream(stream), asOf);
  }
}

/**
 * The lock every create of a federation, joint committee, agreement or study takes besides its
 * own stream: the id space is shared, so two creates of different kinds with one id must not
 * both find it free (the stores check one stream per append).
 */
export function idSpaceLock(id: string): string {
  return `arrangement-id:${id}`;
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
