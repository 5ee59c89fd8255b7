/**
 * Norwegian text analysis for search: tokens, stop words, Snowball stemming with a fix for
 * agent nouns, folding of æ/ø/å for people who type without them, compound splitting, nynorsk
 * read as bokmål (so a nynorsk site meets a bokmål question, and the other way round),
 * English and abbreviation mapping, and typo tolerance. Both the index and the query go
 * through the same functions, so a word typed one way meets the same word written another way.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as snowballModule from 'snowball-stemmers';

export interface Lexicon {
  /** Query word or two-word phrase → extra words searched with it. */
  expand: Record<string, string[]>;
  /** Nynorsk word → bokmål word. */
  nynorsk: Record<string, string>;
  /** English word or two-word phrase → Norwegian words ([] drops the word). */
  english: Record<string, string[]>;
  /** Words and two-word phrases that make a question NAV's business. */
  nav: string[];
  /** Words with no meaning for search. */
  stopwords: string[];
  /** Groups of words that mean the same here: each searches for the others (optional). */
  equivalent?: string[][];
  /** Names of other countries: a question naming one is about education from abroad (optional). */
  countries?: string[];
}

/** What a country name in a question also searches for. */
export const COUNTRY_TERMS = ['utlandet', 'utenlandsk'];

export const DEFAULT_LEXICON_FILE = fileURLToPath(new URL('./lexicon.json', import.meta.url));

/** Reads and checks an editable lexicon file; a broken file is a clear error, never ignored. */
export function loadLexicon(file: string = DEFAULT_LEXICON_FILE): Lexicon {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Kan ikke lese ordlista ${file}: ${(err as Error).message}`, { cause: err });
  }
  const o = raw as Partial<Lexicon>;
  for (const key of ['expand', 'nynorsk', 'english'] as const) {
    if (typeof o[key] !== 'object' || o[key] === null || Array.isArray(o[key])) throw new Error(`Ordlista ${file}: "${key}" må være et objekt`);
  }
  for (const key of ['nav', 'stopwords'] as const) {
    if (!Array.isArray(o[key])) throw new Error(`Ordlista ${file}: "${key}" må være en liste`);
  }
  if (o.equivalent !== undefined && (!Array.isArray(o.equivalent) || o.equivalent.some((g) => !Array.isArray(g)))) throw new Error(`Ordlista ${file}: "equivalent" må være en liste av lister`);
  if (o.countries !== undefined && !Array.isArray(o.countries)) throw new Error(`Ordlista ${file}: "countries" må være en liste`);
  return o as Lexicon;
}

// snowball-stemmers is CommonJS; depending on the loader its API sits on the namespace or on .default.
const snowball = ((snowballModule as unknown as { default?: typeof snowballModule }).default?.newStemmer ? (snowballModule as unknown as { default: typeof snowballModule }).default : snowballModule);

/** Words and numbers; "23/5" (the 23/5 rule) stays one token. */
const TOKEN_RE = /\p{N}+\/\p{N}+|[\p{L}\p{N}]+/gu;

/** Lower-cased words of a text, in order. */
export function words(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(TOKEN_RE) ?? [];
}

const FOLD: Record<string, string> = { æ: 'ae', ø: 'o', å: 'a', ä: 'ae', ö: 'o', é: 'e', è: 'e', ê: 'e', ó: 'o', ò: 'o', ô: 'o', á: 'a', à: 'a', ü: 'u', ú: 'u', í: 'i' };
/** Folds Norwegian and other accented letters so "vitnemal" meets "vitnemål". */
export function fold(word: string): string {
  return word.replace(/[æøåäöéèêóòôáàüúí]/g, (c) => FOLD[c] ?? c);
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment), capped. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j];
    prev = cur;
  }
  return prev[b.length];
}

/** One weighted search term. */
export interface QueryTerm { term: string; weight: number }
/** A thing the user asked about: alternatives, each a set of terms that together stand for it. */
export interface Concept { word: string; alternatives: QueryTerm[][] }

/** Nynorsk word forms → bokmål, built from general word lists by scripts/build-nynorsk-map.ts. */
export const DEFAULT_NYNORSK_FORMS_FILE = fileURLToPath(new URL('./nynorsk-bokmal.json', import.meta.url));
let nynorskForms: ReadonlyMap<string, string> | undefined;

/** The generated nynorsk → bokmål forms, read once per process (an absent file means none). */
export function loadNynorskForms(file: string = DEFAULT_NYNORSK_FORMS_FILE): ReadonlyMap<string, string> {
  if (file === DEFAULT_NYNORSK_FORMS_FILE && nynorskForms) return nynorskForms;
  let forms: Record<string, string> = {};
  try {
    forms = (JSON.parse(readFileSync(file, 'utf8')) as { forms?: Record<string, string> }).forms ?? {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
  const map = new Map(Object.entries(forms));
  if (file === DEFAULT_NYNORSK_FORMS_FILE) nynorskForms = map;
  return map;
}

export class Analyzer {
  private readonly stemmer = snowball.newStemmer('norwegian');
  private readonly stop: Set<string>;
  private readonly navSingle: Set<string>;
  private readonly navPhrases: string[];
  private readonly stemCache = new Map<string, string>();
  /** Query word (as typed, and folded) → extra words: `expand`, `equivalent` groups and countries. */
  private readonly expandMap = new Map<string, string[]>();
  /** Nynorsk form (as written, and folded) → bokmål form, from the lexicon. */
  private readonly nynorskMap = new Map<string, string>();

  /**
   * `forms`: nynorsk word forms → bokmål from general word lists (see loadNynorskForms), consulted
   * after the lexicon's own `nynorsk` list.
   */
  constructor(readonly lexicon: Lexicon, private readonly forms: ReadonlyMap<string, string> = loadNynorskForms()) {
    for (const [ny, bm] of Object.entries(lexicon.nynorsk)) {
      if (ny === bm || bm.includes(' ')) continue;
      this.nynorskMap.set(ny, bm);
      if (!this.nynorskMap.has(fold(ny))) this.nynorskMap.set(fold(ny), bm);
    }
    // A stopword typed without æøå ("far" for "får", "pa" for "på") is a stopword too.
    this.stop = new Set(lexicon.stopwords.flatMap((w) => [w, fold(w)]));
    // "amo-kurs" is typed as two words ("amo", "kurs"), so it is a phrase.
    const nav = lexicon.nav.map((w) => words(w).join(' '));
    this.navSingle = new Set(nav.filter((w) => !w.includes(' ')).map((w) => this.stem(w)));
    this.navPhrases = nav.filter((w) => w.includes(' '));
    const add = (key: string, extra: string[]): void => {
      for (const k of new Set([key, fold(key)])) {
        const list = this.expandMap.get(k) ?? [];
        for (const e of extra) if (e !== key && !list.includes(e)) list.push(e);
        this.expandMap.set(k, list);
      }
    };
    for (const [k, v] of Object.entries(lexicon.expand)) add(k, v);
    for (const group of lexicon.equivalent ?? []) for (const w of group) add(w, group.filter((x) => x !== w));
    for (const c of lexicon.countries ?? []) add(c, COUNTRY_TERMS);
  }

  isStopword(word: string): boolean {
    return this.stop.has(word);
  }

  /**
   * Stem then fold. Snowball stems "veiledere" to "veileder" but "veileder" to "veiled"; agent
   * nouns would never meet, so a remaining "-er"/"-ern" ending on a long stem is cut as well.
   * Snowball also cuts "-lov" ("opplæringsloven" → "opplæring"), which would make the law
   * mean the same as any training, so words about a law ("lov") keep it; "-el" nouns lose
   * their e ("hjelpemiddel" → "hjelpemidl", as Snowball stems "hjelpemidler"), and so do "-en"
   * adjectives ("voksen" → "voks", as Snowball stems "voksne" once the n goes). A nynorsk word
   * is stemmed as its bokmål form (see `bokmal`), on both sides.
   */
  stem(word: string): string {
    const cached = this.stemCache.get(word);
    if (cached !== undefined) return cached;
    let s: string;
    const w = this.bokmal(word);
    const law = /^(.{3,}lov)(?:en|a|er|ene|ens|ane)?$/.exec(w);
    if (law) s = law[1];
    else {
      s = this.stemmer.stem(w);
      if (s.length >= 7 && s.endsWith('ern')) s = s.slice(0, -3);
      else if (s.length >= 6 && s.endsWith('er')) s = s.slice(0, -2);
      // "-el" nouns drop the e when inflected: hjelpemiddel/hjelpemidler, regel/regler.
      const el = /^(.{2,}?)([^aeiouyæøå])\2?el$/.exec(s);
      if (el) s = `${el[1]}${el[2]}l`;
      // "-en" adjectives drop the e when inflected: voksen/voksne, åpen/åpne, moden/modne.
      else {
        const en = /^(.*[aeiouyæøå][^aeiouyæøå]*[sdpk])n$/.exec(s);
        if (en && s.length >= 4) s = en[1];
      }
    }
    const out = fold(s);
    if (this.stemCache.size < 200_000) this.stemCache.set(word, out);
    return out;
  }

  /**
   * The bokmål form of a nynorsk word, for the search on both sides (a nynorsk site meets a
   * bokmål question and the other way round): the lexicon's list of forms first ("vaksne",
   * "skule", "noreg"), then the generated forms ("byrja" → "begynte", "sitja" → "sitte"; only
   * forms bokmål does not have), then the regular endings bokmål writes otherwise (see nynorskEndings).
   * A bokmål word comes back as it is.
   */
  bokmal(word: string): string {
    return this.nynorskMap.get(word) ?? this.forms.get(word) ?? nynorskEndings(word);
  }

  /**
   * Index-side terms of a text: stems of all non-stopwords (compound parts are added by the
   * index). A nynorsk word whose bokmål form is a stopword ("berre", "frå", "utan") is one too,
   * as it is in a question.
   */
  indexWords(text: string): string[] {
    return words(text).filter((w) => !this.stop.has(w) && !this.stop.has(this.nynorskMap.get(w) ?? ''));
  }

  /** True when the question is about NAV's own benefits or rules. */
  isNavQuestion(text: string): boolean {
    const ws = words(text);
    // Compared as stems, so "uføretrygden" and "tiltaket" are caught by "uføretrygd" and "tiltak".
    if (ws.some((w) => this.navSingle.has(this.stem(w)))) return true;
    const joined = ` ${ws.join(' ')} `;
    return this.navPhrases.some((p) => joined.includes(` ${p} `));
  }

  /**
   * The Norwegian words for an English word: the lexicon's entry, else the entry of its base form
   * ("certificates", "applied", "registering" → "certificate", "apply", "register"), else nothing
   * for an English function word ("is", "must"). Undefined when the word is not English to us.
   */
  english(word: string): string[] | undefined {
    const eng = this.lexicon.english;
    if (Object.hasOwn(eng, word)) return eng[word];
    for (const base of englishBases(word)) if (Object.hasOwn(eng, base)) return eng[base];
    return ENGLISH_STOPWORDS.has(word) ? [] : undefined;
  }

  /** Extra words searched with a query word or two-word phrase. */
  expansions(word: string): string[] {
    return this.expandMap.get(word) ?? this.expandMap.get(fold(word)) ?? [];
  }

  /**
   * Turns a question into concepts. Nynorsk and English words are mapped to bokmål, two-word
   * phrases are looked up before single words, and abbreviations/synonyms add alternatives with
   * a lower weight.
   */
  queryWords(text: string): { word: string; extra: string[] }[] {
    const raw = words(text);
    const out: { word: string; extra: string[] }[] = [];
    for (let i = 0; i < raw.length; i++) {
      const w = raw[i];
      const next = raw[i + 1];
      const bigram = next !== undefined ? `${w} ${next}` : undefined;
      if (bigram && this.lexicon.english[bigram]) {
        const mapped = this.lexicon.english[bigram];
        if (mapped.length) out.push({ word: mapped[0], extra: [...mapped.slice(1), ...this.expansions(mapped[0])] });
        i++;
        continue;
      }
      if (bigram && this.expandMap.has(bigram)) {
        const extra = this.expansions(bigram);
        // A phrase of two meaningful words stays two concepts; a phrase with a small word
        // ("krav på", "for sent") is one concept.
        if (this.stop.has(w) || this.stop.has(next)) {
          out.push({ word: this.stop.has(w) ? next : w, extra });
          i++;
        } else out.push({ word: w, extra });
        continue;
      }
      let word = this.lexicon.nynorsk[w] ?? w;
      let extra: string[] = [];
      const eng = this.english(w);
      if (eng && !this.stop.has(w) && this.lexicon.nynorsk[w] === undefined) {
        if (eng.length === 0) continue;
        word = eng[0];
        extra = eng.slice(1);
      }
      if (this.stop.has(word)) continue;
      extra = [...extra, ...this.expansions(word)];
      out.push({ word, extra });
    }
    return out;
  }
}

/**
 * English function words (Snowball's English stop list, less the words that are also Norwegian
 * words worth searching: "same", "by"), for questions written in English; the lexicon's
 * `english` entries come first.
 */
const ENGLISH_STOPWORDS = new Set('i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its itself they them their theirs themselves what which who whom this that these those am is are was were be been being have has had having do does did doing would should could ought a an the and but if or because as until while of at for with about against between into through during before after above below to from up down in out on off over under again further then once here there when where why how all any both each few more most other some such no nor not only own so than too very can will just don shall may might must cannot'.split(' '));

/** Base forms of an English word, to find it in the lexicon: plural -s/-es/-ies, past -ed/-ied, -ing. */
function englishBases(w: string): string[] {
  const out: string[] = [];
  if (w.length > 4 && w.endsWith('ies')) out.push(`${w.slice(0, -3)}y`);
  if (w.length > 4 && w.endsWith('es')) out.push(w.slice(0, -2));
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) out.push(w.slice(0, -1));
  if (w.length > 4 && w.endsWith('ied')) out.push(`${w.slice(0, -3)}y`);
  if (w.length > 4 && w.endsWith('ed')) out.push(w.slice(0, -2), w.slice(0, -1));
  if (w.length > 5 && w.endsWith('ing')) out.push(w.slice(0, -3), `${w.slice(0, -3)}e`);
  return out;
}

/** Who a question about one person's own case is about: the bruker, or him or her. */
const CASE_WHO = String.raw`(?:bruker(?:en)?|brukar(?:en)?|klient(?:en)?|han|hun|ho|henne|ham)`;
const CASE_PATTERNS = [
  // "søknaden til bruker", "saka til brukaren", "vedtaket til henne"
  String.raw`\b(?:søknad(?:en)?|saka|saken|vedtak(?:et)?|klag(?:a|en)|timen|plassen)\s+(?:til|åt)\s+${CASE_WHO}\b`,
  // "har bruker fått …", "har brukaren min søkt …", "har ikke han fått …"
  String.raw`\b(?:har|hev|er)\s+(?:ikke\s+|ikkje\s+)?${CASE_WHO}(?:\s+(?:min|mi|vår))?\s+(?:ikke\s+|ikkje\s+)?(?:fått|søkt|sendt|kommet|komme|blitt|tatt)\b`,
  // "hvorfor fikk bruker …", "hvorfor har han ikke …"
  String.raw`\bhvorfor\s+(?:fikk|har)\s+(?:ikke\s+)?${CASE_WHO}\b`,
  String.raw`\bstatus\s+(?:på|for|til)\b`,
  String.raw`\bsjekke?\s+(?:om|status|saken|søknaden)\b`,
  String.raw`\b(?:hva|kva|ka)\s+sa\b`,
  String.raw`\b(?:i\s*går|i\s+forrige\s+(?:uke|veke)|forrige\s+(?:uke|veke))\b`,
  // an identity number (the bot refuses such a message before it gets here; the CLIs do not)
  String.raw`\b\d{6}\s?\d{5}\b`,
];
// \b in a JavaScript RegExp knows only ASCII letters ("på", "søkt" would end inside a word): a Unicode word boundary instead.
const WORD_BOUNDARY = String.raw`(?:(?<=[\p{L}\p{N}])(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])(?=[\p{L}\p{N}]))`;
const CASE_RX = new RegExp(CASE_PATTERNS.join('|').replaceAll(String.raw`\b`, WORD_BOUNDARY), 'iu');

/**
 * True when a question asks about one bruker's own case — whether an application was received or
 * decided, why someone got a refusal, what was said at a meeting, "the case from yesterday" —
 * rather than what the county's rules and offers are. Public pages cannot answer that, and a
 * guess from them would mislead: without the bruker present and consenting only general
 * questions are answered, so such a question goes to the education team (with consent), never to
 * a page. Questions about how to send a case ("saken til fylket") or consent in general are not
 * caught: the patterns need the person or a status word.
 */
export function isCaseQuestion(text: string): boolean {
  return CASE_RX.test(text);
}

/**
 * Regular nynorsk endings in their bokmål form, before stemming: "-heit" nouns ("tryggheit",
 * "sikkerheita" → "trygghet", "sikkerheten") and the j of "-kje"/"-gje" verbs ("søkje",
 * "søkjar", "leggje", "følgje" → "søke", "søkar", "legge", "følge"). The other regular nynorsk
 * endings ("-ar", "-ane", "-a", "-ast", "-ande", "-leg") are already Snowball's. Applied to
 * every word on both sides, so a bokmål word it touches is changed the same way everywhere.
 */
export function nynorskEndings(word: string): string {
  let w = word;
  const heit = /^(.{2,})heit(a|en|er|ar|ane|ene)?$/.exec(w);
  if (heit) w = `${heit[1]}het${({ a: 'en', ar: 'er', ane: 'ene' } as Record<string, string>)[heit[2] ?? ''] ?? heit[2] ?? ''}`;
  const j = /^(.{2,}[kg])j(e|a|er|ar|ast|est|ande|ing|inga|ingar|arar|arane)$/.exec(w);
  if (j) w = `${j[1]}${j[2]}`;
  return w;
}

/**
 * Words a coordinated compound leaves out: "fag- og svennebrev" means "fagbrev og svennebrev",
 * "lese- og skrivevansker" means "lesevansker og skrivevansker". Returns the missing compounds
 * ("fagbrev", "lesevansker"), built from the last word's head as found by `split`.
 */
export function coordinatedCompounds(text: string, split: (word: string) => string[] | null): string[] {
  const out: string[] = [];
  const re = /((?:[\p{L}]+-,?\s+)+)(?:og|eller|and|or)\s+(\p{L}+)/gu;
  for (const m of text.normalize('NFC').toLowerCase().matchAll(re)) {
    const parts = split(fold(m[2]));
    if (!parts || parts.length < 2) continue;
    const word = fold(m[2]);
    let tail = word.slice(parts[0].length);
    if (!tail.startsWith(parts[1])) tail = tail.slice(1); // linking letter: "utdannings|tilbud"
    for (const first of m[1].split(/-,?\s+/)) if (first.length >= 2) out.push(fold(first) + tail);
  }
  return out;
}

/**
 * Splits Norwegian compounds into known words ("realkompetansevurdering" → "realkompetanse" +
 * "vurdering", "søknadsfrist" → "søknad" + "frist"), using the corpus's own words as the
 * dictionary and preferring the split whose parts are most frequent. A three-letter last part
 * is allowed after a long first part ("helsefag" → "helse" + "fag", "yrkesfag", "opplæringslov").
 */
export class Decompounder {
  private readonly cache = new Map<string, string[] | null>();
  /**
   * `lookup`, when given, vouches for parts the vocabulary lacks as written (an inflected or
   * derived form of a word the site uses: "karakter" for "karakterer", "forbedring" for "forbedre").
   */
  constructor(private readonly vocab: Map<string, number>, private readonly minLength = 8, private readonly lookup?: (part: string) => number | undefined) {}

  private freq(part: string): number | undefined {
    return this.vocab.get(part) ?? this.lookup?.(part);
  }

  split(word: string): string[] | null {
    if (word.length < this.minLength) return null;
    const hit = this.cache.get(word);
    if (hit !== undefined) return hit;
    let best: { parts: string[]; score: number } | null = null;
    for (let i = 3; i <= word.length - 3; i++) {
      const right = word.slice(i);
      const left = word.slice(0, i);
      const lefts = [left];
      if ((left.endsWith('s') || left.endsWith('e')) && left.length > 3) lefts.push(left.slice(0, -1));
      for (const l of lefts) {
        const lf = this.freq(l);
        if (!lf) continue;
        const rf = this.freq(right);
        let parts: string[] | null = null;
        let score = 0;
        if (rf && (right.length >= 4 || (right.length === 3 && l.length >= 4))) {
          parts = [l, right];
          score = Math.sqrt(lf * rf);
        } else {
          const sub = right.length >= this.minLength ? this.split(right) : null;
          if (sub) {
            parts = [l, ...sub];
            score = Math.sqrt(lf * Math.min(...sub.map((p) => this.freq(p) ?? 1))) * 0.8;
          }
        }
        if (parts && (!best || score > best.score)) best = { parts, score };
      }
    }
    const result = best ? best.parts : null;
    if (this.cache.size < 200_000) this.cache.set(word, result);
    return result;
  }
}
