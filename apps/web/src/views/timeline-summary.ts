// Types only: this module has no dependency at run time, so that it can be checked in Node as well as in the page.
import type { Lang } from '../i18n';
import type { PartyRef, TimelineEntry, TimelineFacts } from '../types';

/**
 * A timeline entry in the reader's language, with names instead of codes, ids and slugs.
 *
 * The API gives each entry, next to its one-line summary in plain English, the same facts as
 * data (`facts`: the municipality's code, the arrangement's id, the service area's slug, the
 * basis, the days; docs/contract.md). The page says them again in Swedish or English with the
 * register's names. An entry without facts (a service older than issue 17), of a type added
 * later, or with something the register cannot name (an unknown code, a title not loaded) is
 * shown as the API wrote it, marked as English: never guessed, never a code in a sentence.
 */

export interface Names {
  municipality(code: string): string;
  arrangement(id: string): string;
  area(slug: string): string;
}

export interface SummaryText {
  text: string;
  /** The language of `text`: the page's, or English when the API's own line is shown. */
  lang: Lang;
}

/** Thrown when a fact cannot be named: the API's own line is shown instead. */
class Unnamed extends Error {}

/**
 * The names, strict: a name that is only the code, id or slug given back (what `Names` does
 * for something it does not know) is not a name.
 */
export function strict(names: Names): Names {
  const named = (value: string, name: string) => {
    if (name === value || name === '') throw new Unnamed(value);
    return name;
  };
  return {
    municipality: (code) => named(code, names.municipality(code)),
    arrangement: (id) => named(id, names.arrangement(id)),
    area: (slug) => named(slug, names.area(slug)),
  };
}

/** Says `say` with strict names; the fallback (the API's English line) when something cannot be named. */
export function sayOrFallback(say: (names: Names) => string, names: Names, lang: Lang, fallback: string): SummaryText {
  try {
    return { text: say(strict(names)), lang };
  } catch (error) {
    if (error instanceof Unnamed) return { text: fallback, lang: 'en' };
    throw error;
  }
}

/** "A, B och C" / "A, B and C". */
export function list(values: string[], lang: Lang): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} ${lang === 'sv' ? 'och' : 'and'} ${values[values.length - 1]}`;
}

/** "kommunalförbundet X", but not "kommunalförbundet Kommunalförbundet X" when the name already says what it is. */
export function swedishForm(form: string, name: string): string {
  const stem = form === 'kommunalförbundet' ? 'kommunalförbund' : 'gemensam';
  return name.toLocaleLowerCase('sv').startsWith(stem) ? name : `${form} ${name}`;
}

export function capitalized(text: string): string {
  return text.charAt(0).toLocaleUpperCase('sv') + text.slice(1);
}

/** An arrangement named with what it is: "avtalet X", "kommunalförbundet X", "den gemensamma nämnden X" (and in English). */
export function arrangementPhrase(kind: string, id: string, lang: Lang, n: Names): string {
  const title = n.arrangement(id);
  if (lang === 'sv') {
    if (kind === 'agreement') return `avtalet ${title}`;
    if (kind === 'study') return `utredningen ${title}`;
    return swedishForm(kind === 'joint-committee' ? 'den gemensamma nämnden' : 'kommunalförbundet', title);
  }
  if (kind === 'agreement') return `the agreement ${title}`;
  if (kind === 'study') return `the study ${title}`;
  return kind === 'joint-committee' ? `the joint committee ${title}` : `the federation ${title}`;
}

/** A basis as the summaries say it: "i egen regi", "genom avtalet X" / "in-house", "through the agreement X". */
export function basisPhrase(basis: { kind: string; id?: string }, lang: Lang, n: Names): string {
  if (basis.kind === 'in-house') return lang === 'sv' ? 'i egen regi' : 'in-house';
  if (!basis.id) throw new Unnamed(basis.kind);
  return `${lang === 'sv' ? 'genom' : 'through'} ${arrangementPhrase(basis.kind, basis.id, lang, n)}`;
}

/** A signing party by name: a municipality or the providing federation as the register names it, a region or anyone else by the name given. */
export function partyName(party: PartyRef, n: Names): string {
  switch (party.kind) {
    case 'municipality':
      return n.municipality(party.code);
    case 'federation':
      return n.arrangement(party.id);
    case 'region':
      if (!party.name) throw new Unnamed(party.code);
      return party.name;
    case 'other':
      return party.name;
    default:
      throw new Unnamed('party');
  }
}

/** A fact the sentence needs; missing (or not understood), the API's line is shown. */
export function need<T>(value: T | undefined): T {
  if (value === undefined) throw new Unnamed('missing');
  return value;
}

const SUCCESSOR_OF: Record<string, { sv: string; en: string }> = {
  FederationDissolved: { sv: 'förbundets upplösning', en: "the federation's dissolution" },
  MemberLeft: { sv: 'utträdet ur förbundet', en: 'the departure from the federation' },
  AgreementTerminated: { sv: 'avtalets uppsägning', en: "the agreement's termination" },
};

const REVIEW_OUTCOME: Record<string, { sv: string; en: string }> = {
  continue: { sv: 'fortsätter', en: 'continues' },
  revise: { sv: 'ska revideras', en: 'to be revised' },
  end: { sv: 'ska avslutas', en: 'to end' },
};

const RECOMMENDATION: Record<string, { sv: string; en: string }> = {
  proceed: { sv: 'gå vidare', en: 'proceed' },
  partly: { sv: 'gå vidare delvis', en: 'proceed in part' },
  'do-not-proceed': { sv: 'inte gå vidare', en: 'do not proceed' },
};

const AGREEMENT_KIND: Record<string, { sv: string; en: string }> = {
  service: { sv: 'Avtal om tjänst', en: 'Service agreement' },
  intent: { sv: 'Avsiktsförklaring', en: 'Letter of intent' },
  cooperation: { sv: 'Samarbetsavtal', en: 'Cooperation agreement' },
};

/** A word from one of the tables above; an unknown value (added later) is not guessed. */
function word(table: Record<string, { sv: string; en: string }>, key: string | undefined, lang: Lang): string {
  const found = key === undefined ? undefined : table[key];
  if (!found) throw new Unnamed(key ?? 'missing');
  return found[lang];
}

type Entry = Pick<TimelineEntry, 'type' | 'summary' | 'effectiveFrom'>;
type Say = (f: TimelineFacts, e: Entry, lang: Lang, n: Names) => string;

/** The arrangement's title, from the facts. */
const titleOf = (f: TimelineFacts, n: Names) => n.arrangement(need(f.arrangement).id);

/** Per event type: how to say its facts with names. */
const SAY: Record<string, Say> = {
  MunicipalityRegistered: (f, _e, lang, n) => {
    const name = n.municipality(need(f.municipality));
    const county = need(f.countyName);
    return lang === 'sv' ? `${name} registreras i ${county}` : `${name} registered in ${county}`;
  },
  ServiceAreaDefined: (f, _e, lang, n) =>
    lang === 'sv' ? `Verksamheten ${n.area(need(f.serviceArea))} läggs till i registret` : `The service area ${n.area(need(f.serviceArea))} is added to the register`,
  ServiceTransferred: (f, e, lang, n) => {
    const who = n.municipality(need(f.municipality));
    const what = n.area(need(f.serviceArea));
    const how = basisPhrase(need(f.basis), lang, n);
    const from = need(e.effectiveFrom);
    const tail = f.successorOf ? (lang === 'sv' ? ` (efterföljare enligt ${word(SUCCESSOR_OF, f.successorOf, lang)})` : ` (successor named by ${word(SUCCESSOR_OF, f.successorOf, lang)})`) : '';
    return lang === 'sv' ? `${who} får ${what} ${how} från ${from}${tail}` : `${who} gets ${what} ${how} from ${from}${tail}`;
  },
  CorrectionRecorded: (f, e, lang, n) => {
    const correction = need(f.correction);
    const reason = need(f.reason);
    if (correction.kind === 'withdrawn') return lang === 'sv' ? `En överföring återkallas (${reason})` : `A transfer is withdrawn (${reason})`;
    const what = n.area(need(f.serviceArea));
    const how = basisPhrase(need(f.basis), lang, n);
    const from = need(e.effectiveFrom);
    return lang === 'sv' ? `En överföring rättas: ${what} ${how} från ${from} (${reason})` : `A transfer is corrected: ${what} ${how} from ${from} (${reason})`;
  },
  FederationFormed: (f, e, lang, n) => {
    const kind = need(f.arrangement).kind;
    const who = list(need(f.parties).map((c) => n.municipality(c)), lang);
    const from = need(e.effectiveFrom);
    const name = titleOf(f, n);
    if (lang === 'sv') return `${capitalized(swedishForm(kind === 'joint-committee' ? 'den gemensamma nämnden' : 'kommunalförbundet', name))} bildas av ${who} från ${from}`;
    return `${kind === 'joint-committee' ? 'The joint committee' : 'The federation'} ${name} is formed by ${who} from ${from}`;
  },
  MemberJoined: (f, e, lang, n) => {
    const who = n.municipality(need(f.municipality));
    return lang === 'sv' ? `${who} går med i ${titleOf(f, n)} från ${need(e.effectiveFrom)}` : `${who} joins ${titleOf(f, n)} from ${need(e.effectiveFrom)}`;
  },
  MemberLeft: (f, e, lang, n) => {
    const who = n.municipality(need(f.municipality));
    return lang === 'sv' ? `${who} lämnar ${titleOf(f, n)} från ${need(e.effectiveFrom)}` : `${who} leaves ${titleOf(f, n)} from ${need(e.effectiveFrom)}`;
  },
  FederationDissolved: (f, e, lang, n) => (lang === 'sv' ? `${titleOf(f, n)} upplöses från ${need(e.effectiveFrom)}` : `${titleOf(f, n)} is dissolved from ${need(e.effectiveFrom)}`),
  ReviewRecorded: (f, _e, lang, n) =>
    lang === 'sv' ? `${titleOf(f, n)} följs upp ${need(f.on)}: ${word(REVIEW_OUTCOME, f.outcome, lang)}` : `${titleOf(f, n)} reviewed on ${need(f.on)}: ${word(REVIEW_OUTCOME, f.outcome, lang)}`,
  AgreementProposed: (f, _e, lang, n) => {
    const who = list([...need(f.parties).map((c) => n.municipality(c)), ...(f.otherParties ?? [])], lang);
    const kind = word(AGREEMENT_KIND, f.agreementKind, lang);
    return lang === 'sv' ? `${kind} ${titleOf(f, n)} föreslås mellan ${who}` : `${kind} ${titleOf(f, n)} proposed between ${who}`;
  },
  AgreementSigned: (f, _e, lang, n) => {
    const who = partyName(need(f.party), n);
    return lang === 'sv' ? `${who} undertecknar ${titleOf(f, n)} ${need(f.on)}` : `${who} signs ${titleOf(f, n)} on ${need(f.on)}`;
  },
  CouncilDecisionRecorded: (f, _e, lang, n) => {
    const ref = f.reference ? ` (${f.reference})` : '';
    const where = n.municipality(need(f.municipality));
    const outcome = need(f.outcome);
    if (outcome !== 'approved' && outcome !== 'rejected') throw new Unnamed(outcome);
    if (lang === 'sv') return `Fullmäktige i ${where} ${outcome === 'approved' ? 'godkänner' : 'avslår'} ${titleOf(f, n)} ${need(f.on)}${ref}`;
    return `The council of ${where} ${outcome} ${titleOf(f, n)} on ${need(f.on)}${ref}`;
  },
  AgreementConcluded: (f, _e, lang, n) => (lang === 'sv' ? `${titleOf(f, n)} ingås ${need(f.on)}` : `${titleOf(f, n)} concluded on ${need(f.on)}`),
  AgreementRejected: (f, _e, lang, n) => {
    const where = n.municipality(need(f.municipality));
    return lang === 'sv' ? `${titleOf(f, n)} avslås av fullmäktige i ${where} ${need(f.on)}` : `${titleOf(f, n)} rejected by the council of ${where} on ${need(f.on)}`;
  },
  AgreementExtended: (f, _e, lang, n) => (lang === 'sv' ? `${titleOf(f, n)} förlängs till och med ${need(f.until)}` : `${titleOf(f, n)} extended to ${need(f.until)}`),
  AgreementTerminated: (f, e, lang, n) =>
    lang === 'sv' ? `${titleOf(f, n)} sägs upp från ${need(e.effectiveFrom)}: ${need(f.reason)}` : `${titleOf(f, n)} terminated from ${need(e.effectiveFrom)}: ${need(f.reason)}`,
  StudyStarted: (f, _e, lang, n) => {
    const who = list(need(f.parties).map((c) => n.municipality(c)), lang);
    return lang === 'sv'
      ? `Utredningen ${titleOf(f, n)} startas av ${who} ${need(f.on)}, planerad att sluta ${need(f.until)}`
      : `The study ${titleOf(f, n)} is started by ${who} on ${need(f.on)}, planned to end ${need(f.until)}`;
  },
  MilestoneScheduled: (f, _e, lang, n) => {
    const milestone = need(need(f.milestone).title);
    return lang === 'sv' ? `Milstolpen ${milestone} i ${titleOf(f, n)} ska nås ${need(f.due)}` : `The milestone ${milestone} of ${titleOf(f, n)} is due ${need(f.due)}`;
  },
  MilestoneReached: (f, _e, lang, n) => {
    // A service older than the title in these facts names the milestone by id only: say "a milestone".
    const title = f.milestone?.title;
    if (lang === 'sv') return title ? `Milstolpen ${title} i ${titleOf(f, n)} nås ${need(f.on)}` : `En milstolpe i ${titleOf(f, n)} nås ${need(f.on)}`;
    return title ? `The milestone ${title} of ${titleOf(f, n)} is reached on ${need(f.on)}` : `A milestone of ${titleOf(f, n)} is reached on ${need(f.on)}`;
  },
  StudyConcluded: (f, _e, lang, n) =>
    lang === 'sv'
      ? `${titleOf(f, n)} avslutas ${need(f.on)} med rekommendationen: ${word(RECOMMENDATION, f.outcome, lang)}`
      : `${titleOf(f, n)} concluded on ${need(f.on)}, recommending: ${word(RECOMMENDATION, f.outcome, lang)}`,
};

/** An entry's line in `lang`, said from its facts with names; the API's English summary when that cannot be done. */
export function summarizeEntry(entry: Entry & { facts?: TimelineFacts }, lang: Lang, names: Names): SummaryText {
  const say = SAY[entry.type];
  const facts = entry.facts;
  if (!say || !facts) return { text: entry.summary, lang: 'en' };
  return sayOrFallback((n) => say(facts, entry, lang, n), names, lang, entry.summary);
}
