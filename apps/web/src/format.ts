import { I18n } from './i18n';
import { Provision, ServiceArea } from './types';

/** How the register's values are put into words on the page. */

/** A service area's name in the page's language. */
export function areaName(area: ServiceArea | undefined, slug: string, lang: string): string {
  if (!area) return slug;
  return lang === 'sv' ? area.nameSv : area.nameEn;
}

/**
 * The words for one cell: provider, basis, period. The hover text (title) and the accessible
 * name. The basis is named by its arrangement's title (`titles`, by id); the id only while the
 * titles are not loaded yet.
 */
export function describeProvision(p: Provision, i18n: I18n, titles?: ReadonlyMap<string, string>): string {
  const { l, term } = i18n;
  const basis = `${term(`basis.${p.basis.kind}`)}${p.basis.id ? ` ${titles?.get(p.basis.id) ?? p.basis.id}` : ''}`;
  const period = `${p.since ?? l.fromStart} – ${p.until ?? l.openEnded}`;
  return `${p.provider.name} · ${basis}${p.lapsed ? ` · ${l.lapsed}` : ''} (${period})`;
}

