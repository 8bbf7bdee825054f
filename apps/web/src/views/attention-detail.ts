// Types only at run time, as timeline-summary.ts: the sentences can be checked in Node as well as in the page.
import type { Lang } from '../i18n';
import type { AttentionFacts, AttentionItem } from '../types';
import { Names, SummaryText, arrangementPhrase, capitalized, list, need, partyName, sayOrFallback } from './timeline-summary';

/**
 * An attention item's description in the reader's language, from the facts the API gives
 * next to its English `detail` (docs/contract.md): the agreement by its title, the
 * municipalities, the service area and the basis by the register's names. An item without
 * facts (a service older than issue 17), of a kind added later, or with something the register
 * cannot name shows the API's `detail`, marked as English.
 */

type Say = (f: AttentionFacts, lang: Lang, n: Names) => string;

/** A title in quotation marks: ”…” in Swedish, “…” in English. */
function quoted(title: string, lang: Lang): string {
  return lang === 'sv' ? `”${title}”` : `“${title}”`;
}

/**
 * An arrangement named with what it is: an agreement's or study's title, a long sentence of its
 * own, in quotation marks ("avtalet ”Linköping köper …”"); a federation or joint committee by
 * its name, which says what it is.
 */
function phrase(kind: string, id: string, lang: Lang, n: Names): string {
  if (kind === 'agreement') return `${lang === 'sv' ? 'avtalet' : 'the agreement'} ${quoted(n.arrangement(id), lang)}`;
  if (kind === 'study') return `${lang === 'sv' ? 'utredningen' : 'the study'} ${quoted(n.arrangement(id), lang)}`;
  return arrangementPhrase(kind, id, lang, n);
}

/** The item's arrangement, capitalized at the start of a sentence. */
function subject(f: AttentionFacts, lang: Lang, n: Names): string {
  const a = need(f.arrangement);
  return capitalized(phrase(a.kind, a.id, lang, n));
}

/** Why the basis of a lapsed provision ended, as the provision history says (`reason`). */
function whyEnded(f: AttentionFacts, lang: Lang, n: Names): string {
  const name = f.basis && f.basis.kind !== 'in-house' && f.basis.id ? phrase(f.basis.kind, f.basis.id, lang, n) : lang === 'sv' ? 'grunden' : 'its basis';
  const sv: Record<string, string> = {
    dissolved: `${name} upplöstes`,
    left: `kommunen lämnade ${name}`,
    terminated: `${name} sades upp`,
    expired: `${name} löpte ut`,
    'provider-dissolved': `förbundet som levererade genom ${name} upplöstes`,
    'not-a-member': `kommunen var inte medlem i ${name}`,
  };
  const en: Record<string, string> = {
    dissolved: `${name} was dissolved`,
    left: `the municipality left ${name}`,
    terminated: `${name} was terminated`,
    expired: `the term of ${name} ended`,
    'provider-dissolved': `the federation providing under ${name} was dissolved`,
    'not-a-member': `the municipality was not a member of ${name}`,
  };
  const said = f.reason === undefined ? undefined : (lang === 'sv' ? sv : en)[f.reason];
  if (f.reason !== undefined) return need(said);
  return (lang === 'sv' ? `${name} upphörde` : `${name} ended`);
}

const SAY: Record<AttentionItem['kind'], Say> = {
  'awaiting-signature': (f, lang, n) => {
    const who = list(need(f.parties).map((p) => partyName(p, n)), lang);
    return lang === 'sv' ? `${subject(f, lang, n)} väntar på underskrift av ${who}.` : `${subject(f, lang, n)} awaits signatures from ${who}.`;
  },
  'awaiting-council-decision': (f, lang, n) => {
    const who = list(need(f.municipalities).map((c) => n.municipality(c)), lang);
    return lang === 'sv' ? `${subject(f, lang, n)} väntar på beslut i fullmäktige i ${who}.` : `${subject(f, lang, n)} awaits council decisions from ${who}.`;
  },
  'agreement-ending': (f, lang, n) => {
    const on = need(f.on);
    if (f.ending === 'expires') return lang === 'sv' ? `${subject(f, lang, n)} löper ut ${on}.` : `${subject(f, lang, n)} ends on ${on}.`;
    need(f.ending === 'terminated' ? f.ending : undefined);
    const why = f.provider ? (lang === 'sv' ? ` (leverantören ${n.arrangement(f.provider.id)} upplöses)` : ` (its provider ${n.arrangement(f.provider.id)} is dissolved)`) : '';
    return lang === 'sv' ? `${subject(f, lang, n)} upphör från ${on}${why}.` : `${subject(f, lang, n)} is terminated from ${on}${why}.`;
  },
  'provision-lapsed': (f, lang, n) => {
    const where = n.municipality(need(f.municipality));
    const what = n.area(need(f.serviceArea));
    const on = need(f.on);
    return lang === 'sv'
      ? `I ${where} har ${what} återgått till egen regi från ${on}: ${whyEnded(f, lang, n)}; ingen efterföljare är registrerad.`
      : `In ${where}, ${what} reverted to in-house on ${on}: ${whyEnded(f, lang, n)}; no successor is recorded.`;
  },
  'review-overdue': (f, lang, n) => {
    const term = need(f.term);
    return lang === 'sv'
      ? `${subject(f, lang, n)} har inte aktualitetsprövats under mandatperioden ${term.start} – ${term.end}.`
      : `${subject(f, lang, n)} was not reviewed during the term of office ${term.start} to ${term.end}.`;
  },
  'study-overdue': (f, lang, n) =>
    lang === 'sv' ? `${subject(f, lang, n)} skulle ha avslutats ${need(f.on)} och saknar slutsats.` : `${subject(f, lang, n)} was planned to end ${need(f.on)} and has no conclusion.`,
  'milestone-overdue': (f, lang, n) => {
    const milestone = quoted(need(f.milestone).title, lang);
    const a = need(f.arrangement);
    const of = phrase(a.kind, a.id, lang, n);
    return lang === 'sv' ? `Milstolpen ${milestone} i ${of} skulle ha nåtts ${need(f.on)} och är inte nådd.` : `The milestone ${milestone} of ${of} was due ${need(f.on)} and is not reached.`;
  },
};

/** An item's description in `lang` from its facts; the API's English `detail` when that cannot be done. */
export function describeAttention(item: Pick<AttentionItem, 'kind' | 'detail' | 'facts'>, lang: Lang, names: Names): SummaryText {
  const say = SAY[item.kind] as Say | undefined;
  const facts = item.facts;
  if (!say || !facts) return { text: item.detail, lang: 'en' };
  return sayOrFallback((n) => say(facts, lang, n), names, lang, item.detail);
}
