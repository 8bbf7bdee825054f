import { Basis, IN_HOUSE, ProviderRef } from '@samverkan/domain';
import type { TransferEntry } from './types';

export function providerKey(p: ProviderRef): string {
  return p.kind === 'federation' ? `federation:${p.id}` : `${p.kind}:${p.code}`;
}

/**
 * One shared copy of the values transfers repeat: dates, service areas, streams, bases and
 * providers (each event brings its own copies; a million transfers name a few thousand).
 */
export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly bases = new Map<string, Basis>();
  private readonly providers = new Map<string, ProviderRef>();

  string(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  basis(basis: Basis): Basis {
    if (basis.kind === 'in-house') return IN_HOUSE;
    const key = `${basis.kind}:${basis.id}`;
    const known = this.bases.get(key);
    if (known) return known;
    const shared = { kind: basis.kind, id: this.string(basis.id) } as Basis;
    this.bases.set(key, shared);
    return shared;
  }

  provider(provider: ProviderRef): ProviderRef {
    const key = providerKey(provider);
    const known = this.providers.get(key);
    if (known) return known;
    const shared: ProviderRef = provider.kind === 'federation' ? { kind: 'federation', id: this.string(provider.id) } : { kind: provider.kind, code: this.string(provider.code) };
    this.providers.set(key, shared);
    return shared;
  }

  /** Takes a snapshot's shared values as this interner's own (the entries decoded with them already share them). */
  adopt(strings: readonly string[], bases: readonly Basis[], providers: readonly ProviderRef[]): void {
    for (const value of strings) this.strings.set(value, value);
    for (const basis of bases) if (basis.kind !== 'in-house') this.bases.set(`${basis.kind}:${this.string(basis.id)}`, basis);
    for (const provider of providers) {
      this.string(provider.kind === 'federation' ? provider.id : provider.code);
      this.providers.set(providerKey(provider), provider);
    }
  }

  /** Shares the values of an entry that came from elsewhere (a snapshot). */
  reintern(entry: TransferEntry): void {
    const e = entry as { -readonly [K in keyof TransferEntry]: TransferEntry[K] };
    e.basis = this.basis(e.basis);
    e.provider = this.provider(e.provider);
    e.decidedOn = this.string(e.decidedOn);
    e.effectiveFrom = this.string(e.effectiveFrom);
    e.municipality = this.string(e.municipality);
    e.serviceArea = this.string(e.serviceArea);
    e.stream = this.string(e.stream);
  }
}
