/**
 * Section-level full-text index with BM25F ranking over page title, heading and text, plus
 * page-level evidence: every page is also indexed as one document (title boosted), and a
 * section's score is its own BM25F plus a weighted share of its page's. Many questions are
 * about a page's topic rather than one paragraph, so the page decides where to look and the
 * section decides which paragraph to show — in two steps (see `rank`): a page is ranked by its
 * best section plus a small share of what its other sections match, and within the page the
 * section shown is the one whose own evidence, with a heading that asks the question in the
 * user's own words, answers best.
 *
 * Query words become "concepts" (the word, its synonyms, its compound parts, a typo
 * correction); a document's score sums the best alternative per concept, and its coverage says
 * how much of the question (weighted by rarity) it matched. Coverage, on the section and on its
 * page, feeds the answer/clarify/escalate decision; score orders the results.
 *
 * Per query the work is proportional to the posting lists of the question's terms (plus the
 * sections of matched pages), never to the vocabulary: scores accumulate in preallocated typed
 * arrays that are reset through a list of touched entries.
 */
import { Analyzer, coordinatedCompounds, COUNTRY_TERMS, Decompounder, editDistance, fold, words } from './text.js';

/** One searchable unit: a section of a crawled page, or a curated question and answer. */
export interface SectionDoc {
  /** Stable id (url with anchor, plus a counter where a page has sections without anchors). */
  id: string;
  /** Absolute URL as crawled, with #anchor where the section has one. */
  url: string;
  /** URL of the page the section belongs to (no anchor). */
  pageUrl: string;
  /** The page's title. */
  title: string;
  /** The section's heading (the page title for the intro section). */
  heading: string;
  /** The section's plain text. */
  text: string;
  /** The page's last-modified date (ISO 8601), when known. */
  updated?: string;
  /** Crawled page text, or a curated Q&A entry (which outranks crawled text when it matches). */
  kind: 'page' | 'curated';
  /** Curated entries only: the question and its alternative phrasings. */
  questions?: string[];
}

export interface Hit {
  doc: SectionDoc;
  /**
   * The page's score (section plus page BM25F, adjusted by coverage, for its best section, and a
   * share of its other sections') on the page's best answering section, a proportional share of
   * it on the page's other sections (see `SearchIndex.rank`); comparable within one query only.
   */
  score: number;
  /** Share (0–1) of the question's weighted concepts that this section matched. */
  coverage: number;
  /** Share (0–1) of the question's weighted concepts that the section's whole page matched. */
  pageCoverage: number;
  /**
   * How strongly the whole page meets the question: its page-level BM25F per unit of the
   * question's weight (the sum of its concepts' IDF), so comparable across questions and sites.
   */
  pageEvidence: number;
  /** Share (0–1) of the question's weighted concepts that the page's title holds (the user's own words, not broader ones). */
  titleCoverage: number;
  /** Share (0–1) of the page's sections that meet the question at all. */
  sectionsMatched: number;
  /** Share (0–1) of the question's weighted concepts that the section's heading holds (the user's own words, not broader ones). */
  headingCoverage: number;
}

/** What the question looked like to the index: the inputs of the answer/clarify/escalate decision. */
export interface QueryFeatures {
  /** Concepts (meaningful words) in the question. */
  concepts: number;
  /** Concepts the site has never heard of (no word, synonym, compound part or typo fix matches). */
  unknown: number;
  /** IDF-weighted share of the question that is unknown to the site. */
  unknownShare: number;
  /** IDF-weighted share the site cannot fully vouch for (unknown, or only met by parts or typo fixes). */
  weakShare: number;
  /** IDF-weighted share of compounds the site never writes, met only through their parts. */
  splitShare: number;
  /**
   * Share of the five best-scoring sections that belong to the top page, counted before the hits
   * are put in one-best-section-per-page order (after it, the first five are five pages).
   */
  topShare: number;
}

export interface SearchResult {
  /** Best sections, best first; the best section of each page comes before second sections. */
  hits: Hit[];
  features: QueryFeatures;
}

/** Ranking parameters. Defaults are the tuned values; tests and benchmarks may override. */
export interface SearchParams {
  k1: number;
  b: number;
  fieldWeight: { title: number; heading: number; body: number; question: number };
  pageK1: number;
  pageB: number;
  pageFieldWeight: { title: number; heading: number; body: number; question: number };
  /** Weight of the page's BM25F in a section's score. */
  pageWeight: number;
  /** Index side: weight of a compound's parts relative to the word itself. */
  partFactor: number;
  /** Query side: weight and coverage credit of a compound's parts, a synonym, a typo correction. */
  partWeight: number;
  partCov: number;
  /** Coverage credit when only the parts of a compound are found, never the compound itself. */
  splitOnlyCov: number;
  expandWeight: number;
  expandCov: number;
  typoWeight: number;
  typoCov: number;
  derivWeight: number;
  derivCov: number;
  curatedBoost: number;
  /** score × (covFloor + (1 − covFloor) × coverage), coverage mixed from section and page. */
  covFloor: number;
  /** Share of page coverage in the coverage used for ranking (rest: section coverage). */
  rankPageCov: number;
  /** Cap on the weight (IDF) of a word the site has never seen, relative to the rarest known word. */
  unknownIdf: number;
  /**
   * Page ranking: share of the other sections' own evidence (section BM25F × coverage factor)
   * added to the page's best section. A page that meets the question in several sections is
   * about it; the page-level BM25F alone saturates before it can tell.
   */
  pageRest: number;
  /**
   * Section choice within a page: a section whose heading (the page title for the intro, the
   * questions of a curated entry) holds the question's own words counts up to 1 + this much more.
   */
  headingWeight: number;
}

export const DEFAULT_SEARCH_PARAMS: SearchParams = {
  k1: 1.2,
  b: 0.75,
  fieldWeight: { title: 1.5, heading: 2.5, body: 1, question: 3 },
  pageK1: 4,
  pageB: 0.2,
  pageFieldWeight: { title: 8, heading: 1.5, body: 1, question: 1 },
  pageWeight: 1,
  partFactor: 0.5,
  partWeight: 0.8,
  partCov: 0.9,
  splitOnlyCov: 0.7,
  expandWeight: 0.6,
  expandCov: 0.9,
  typoWeight: 0.8,
  typoCov: 0.85,
  derivWeight: 0.7,
  derivCov: 0.9,
  curatedBoost: 1.4,
  covFloor: 0.3,
  rankPageCov: 0.5,
  unknownIdf: 1,
  pageRest: 0.7,
  headingWeight: 0.5,
};

interface Posting { docs: Int32Array; tfs: Float32Array }
interface Term { term: string; weight: number }
interface Alt { terms: Term[]; cov: number }
export interface AnalyzedConcept {
  word: string;
  /**
   * The first `asked` alternatives say what the user said (the word, its forms and parts, its
   * synonyms and abbreviations, a typo fix); the rest are broader words ("utlandet" for "Polen").
   */
  asked: number;
  idf: number;
  known: boolean;
  /** Best coverage credit any alternative can give (1 for the word itself). */
  strength: number;
  /** A compound the site never writes and the word lists do not know, met only by its parts. */
  splitOnly: boolean;
  alts: Alt[];
}

type Fields = { title: string[]; heading: string[]; body: string[]; question: string[] };
const FIELDS = ['title', 'heading', 'body', 'question'] as const;

/** BM25 postings over one set of documents (sections, or whole pages). */
class Bm25 {
  readonly postings = new Map<string, Posting>();
  readonly len: Float32Array;
  readonly avgLen: number;
  readonly n: number;

  constructor(tmp: Map<string, Map<number, number>>, len: Float32Array, readonly k1: number, readonly b: number) {
    this.n = len.length;
    this.len = len;
    let total = 0;
    for (const l of len) total += l;
    this.avgLen = this.n ? total / this.n || 1 : 1;
    for (const [term, m] of tmp) {
      const ids = [...m.keys()].sort((x, y) => x - y);
      const tfs = new Float32Array(ids.length);
      ids.forEach((id, k) => (tfs[k] = m.get(id) ?? 0));
      this.postings.set(term, { docs: Int32Array.from(ids), tfs });
    }
  }

  idf(df: number): number {
    return Math.log(1 + (this.n - df + 0.5) / (df + 0.5));
  }

  df(term: string): number {
    return this.postings.get(term)?.docs.length ?? 0;
  }
}

/** A score per document with the list of documents touched, so a reset costs what was used. */
class Acc {
  readonly val: Float64Array;
  readonly aux: Float64Array;
  readonly touched: Int32Array;
  private readonly mark: Uint8Array;
  count = 0;
  constructor(n: number) {
    this.val = new Float64Array(n);
    this.aux = new Float64Array(n);
    this.touched = new Int32Array(n);
    this.mark = new Uint8Array(n);
  }
  touch(d: number): void {
    if (this.mark[d] === 0) {
      this.mark[d] = 1;
      this.touched[this.count++] = d;
    }
  }
  reset(): void {
    for (let i = 0; i < this.count; i++) {
      const d = this.touched[i];
      this.val[d] = 0;
      this.aux[d] = 0;
      this.mark[d] = 0;
    }
    this.count = 0;
  }
}

function addTf(tmp: Map<string, Map<number, number>>, term: string, doc: number, w: number): void {
  let m = tmp.get(term);
  if (!m) tmp.set(term, (m = new Map()));
  m.set(doc, (m.get(doc) ?? 0) + w);
}

export class SearchIndex {
  readonly docs: SectionDoc[];
  readonly params: SearchParams;
  private readonly sec: Bm25;
  /** What each section answers (see the constructor); used for its coverage only. */
  private readonly head: Bm25;
  private readonly page: Bm25;
  /** Page titles alone (for the title's coverage). */
  private readonly titleBm: Bm25;
  private readonly titleTotal: Acc;
  /** Section → its page; page → its sections (in document order). */
  private readonly pageOf: Int32Array;
  private readonly pageSections: Int32Array[];
  private readonly decompounder: Decompounder;
  /** Country names from the lexicon (as written and folded). */
  private readonly countries: Set<string>;
  private readonly looseDecompounder: Decompounder;
  private readonly deletes = new Map<string, string[]>();
  /** Folded corpus words with their frequency (the decompounder's dictionary). */
  private readonly vocab: Map<string, number>;
  /** Stem → stems derived from it by a suffix ("vurd" → "vurdering", "sok" → "soknad"). */
  private readonly derived = new Map<string, string[]>();
  // Scratch space reused by every query (JavaScript runs one query at a time).
  private readonly secTotal: Acc;
  private readonly secConcept: Acc;
  private readonly secAlt: Acc;
  private readonly headTotal: Acc;
  /** Per-page scratch for `rank` (as long as the longest page). */
  private readonly within: Float64Array;
  private readonly owns: Float64Array;
  /** Per section: `curatedBoost` for a curated entry, else 1. */
  private readonly boost: Float64Array;
  private readonly pageTotal: Acc;
  private readonly pageConcept: Acc;
  private readonly pageAlt: Acc;

  constructor(readonly analyzer: Analyzer, docs: SectionDoc[], params: Partial<SearchParams> = {}) {
    this.docs = docs;
    this.params = { ...DEFAULT_SEARCH_PARAMS, ...params };
    const P = this.params;
    const vocab = new Map<string, number>();
    const fieldWords: Fields[] = docs.map((d) => {
      const f: Fields = {
        title: analyzer.indexWords(d.title),
        heading: d.heading === d.title ? [] : analyzer.indexWords(d.heading),
        body: analyzer.indexWords(d.text),
        question: analyzer.indexWords((d.questions ?? []).join(' ')),
      };
      for (const field of FIELDS) for (const w of f[field]) vocab.set(fold(w), (vocab.get(fold(w)) ?? 0) + 1);
      return f;
    });
    // A compound in the other written standard splits too: a nynorsk site's "vaksen" lets a
    // bokmål "voksenopplæring" split, and the other way round (the parts are then stemmed alike).
    for (const [ny, bm] of Object.entries(analyzer.lexicon.nynorsk)) {
      const [fn, fb] = [fold(ny), fold(bm)];
      if (fn === fb || fn.length < 4 || fb.length < 4 || /\s/.test(fb) || analyzer.isStopword(ny) || analyzer.isStopword(bm)) continue;
      if (vocab.has(fb) && !vocab.has(fn)) vocab.set(fn, vocab.get(fb) ?? 1);
      else if (vocab.has(fn) && !vocab.has(fb)) vocab.set(fb, vocab.get(fn) ?? 1);
    }
    this.decompounder = new Decompounder(vocab);
    this.countries = new Set((analyzer.lexicon.countries ?? []).flatMap((c) => [c, fold(c)]));
    this.vocab = vocab;
    // "fag- og svennebrev" also stands for "fagbrev".
    docs.forEach((d, i) => {
      const f = fieldWords[i];
      const split = (w: string): string[] | null => this.decompounder.split(w);
      f.title.push(...coordinatedCompounds(d.title, split));
      if (f.heading.length) f.heading.push(...coordinatedCompounds(d.heading, split));
      f.body.push(...coordinatedCompounds(d.text, split));
    });

    // Pages: sections grouped by page URL, in the order they first appear.
    const pageIndex = new Map<string, number>();
    const pageLists: number[][] = [];
    this.pageOf = new Int32Array(docs.length);
    docs.forEach((d, i) => {
      let p = pageIndex.get(d.pageUrl);
      if (p === undefined) {
        pageIndex.set(d.pageUrl, (p = pageLists.length));
        pageLists.push([]);
      }
      pageLists[p].push(i);
      this.pageOf[i] = p;
    });
    this.pageSections = pageLists.map((l) => Int32Array.from(l));

    // Analyse each distinct word once: its stem and the stems of its compound parts.
    const termsOf = new Map<string, { stem: string; parts: string[] | null }>();
    const analyse = (w: string): { stem: string; parts: string[] | null } => {
      let t = termsOf.get(w);
      if (!t) {
        const parts = this.decompounder.split(fold(w));
        t = { stem: analyzer.stem(w), parts: parts ? parts.map((p) => analyzer.stem(p)) : null };
        termsOf.set(w, t);
      }
      return t;
    };

    const secTmp = new Map<string, Map<number, number>>();
    const headTmp = new Map<string, Map<number, number>>();
    const pageTmp = new Map<string, Map<number, number>>();
    const secLen = new Float32Array(docs.length);
    const pageLen = new Float32Array(pageLists.length);
    const pageTitleDone = new Uint8Array(pageLists.length);
    fieldWords.forEach((f, i) => {
      const p = this.pageOf[i];
      let len = 0;
      let plen = 0;
      // What the section answers: its heading; the page title for the intro (which has no
      // heading of its own); a curated entry's questions.
      const intro = docs[i].heading === docs[i].title;
      for (const field of FIELDS) {
        const asked = field === 'heading' || field === 'question' || (field === 'title' && intro);
        const fw = P.fieldWeight[field];
        // A page's title is counted once for the page, however many sections repeat it.
        const pw = field === 'title' && pageTitleDone[p] ? 0 : P.pageFieldWeight[field];
        for (const w of f[field]) {
          const t = analyse(w);
          addTf(secTmp, t.stem, i, fw);
          if (asked) addTf(headTmp, t.stem, i, 1);

          if (pw) addTf(pageTmp, t.stem, p, pw);
          if (t.parts) {
            for (const part of t.parts) {
              addTf(secTmp, part, i, fw * P.partFactor);
              if (asked) addTf(headTmp, part, i, P.partFactor);
              if (pw) addTf(pageTmp, part, p, pw * P.partFactor);
            }
          }
          len += fw;
          plen += pw;
        }
      }
      if (f.title.length) pageTitleDone[p] = 1;
      secLen[i] = len;
      pageLen[p] += plen;
    });
    this.sec = new Bm25(secTmp, secLen, P.k1, P.b);
    this.head = new Bm25(headTmp, new Float32Array(docs.length).fill(1), P.k1, 0);
    this.page = new Bm25(pageTmp, pageLen, P.pageK1, P.pageB);
    const titleTmp = new Map<string, Map<number, number>>();
    pageLists.forEach((l, p) => {
      for (const w of analyzer.indexWords(docs[l[0]].title)) {
        const t = analyse(w);
        addTf(titleTmp, t.stem, p, 1);
        if (t.parts) for (const part of t.parts) addTf(titleTmp, part, p, P.partFactor);
      }
    });
    this.titleBm = new Bm25(titleTmp, new Float32Array(pageLists.length).fill(1), P.k1, 0);
    this.titleTotal = new Acc(pageLists.length);
    for (const term of this.sec.postings.keys()) {
      for (const base of derivationBases(term)) {
        const list = this.derived.get(base);
        if (list) list.push(term);
        else this.derived.set(base, [term]);
      }
      for (const del of deletions(term)) {
        const list = this.deletes.get(del);
        if (list) list.push(term);
        else this.deletes.set(del, [term]);
      }
    }
    // For a word the site writes neither whole nor as a compound of words it uses as written:
    // parts the site uses in another form ("karakterforbedring" → "karakter" + "forbedring",
    // where the site writes "karakterer" and "forbedre").
    this.looseDecompounder = new Decompounder(vocab, 8, (part) => {
      const t = part.length >= 4 ? this.partTerm(part) : null;
      return t ? this.sec.df(t) : undefined;
    });
    this.secTotal = new Acc(docs.length);
    this.headTotal = new Acc(docs.length);
    const longest = this.pageSections.reduce((m, l) => Math.max(m, l.length), 0);
    this.within = new Float64Array(longest);
    this.owns = new Float64Array(longest);
    this.boost = Float64Array.from(docs, (d) => (d.kind === 'curated' ? P.curatedBoost : 1));
    this.secConcept = new Acc(docs.length);
    this.secAlt = new Acc(docs.length);
    this.pageTotal = new Acc(pageLists.length);
    this.pageConcept = new Acc(pageLists.length);
    this.pageAlt = new Acc(pageLists.length);
  }

  get size(): number {
    return this.docs.length;
  }

  /** The closest indexed term within 1 edit (2 for long words), or null. */
  correct(term: string): string | null {
    if (term.length < 5) return null;
    const max = term.length >= 8 ? 2 : 1;
    let best: { t: string; d: number; df: number } | null = null;
    for (const del of deletions(term)) {
      for (const cand of this.deletes.get(del) ?? []) {
        const d = editDistance(term, cand, max);
        if (d > max) continue;
        const df = this.sec.df(cand);
        if (!best || d < best.d || (d === best.d && df > best.df)) best = { t: cand, d, df };
      }
    }
    return best ? best.t : null;
  }

  private has(term: string): boolean {
    return this.sec.postings.has(term);
  }

  private alternativesFor(word: string, weight: number, cov: number): Alt[] {
    const P = this.params;
    const alts: Alt[] = [];
    const term = this.analyzer.stem(word);
    if (this.has(term)) alts.push({ terms: [{ term, weight }], cov });
    // Derived words: "vurdere" also finds "vurdering", "søknad" also finds "søke".
    for (const t of this.derived.get(term) ?? []) alts.push({ terms: [{ term: t, weight: weight * P.derivWeight }], cov: cov * P.derivCov });
    // The word it is derived from, and that word's other derivations ("godkjent" → "godkjenne",
    // "godkjenning").
    for (const base of derivationBases(term)) {
      for (const t of [base, ...(this.derived.get(base) ?? [])]) {
        if (t !== term && this.has(t) && !alts.some((a) => a.terms[0].term === t)) alts.push({ terms: [{ term: t, weight: weight * P.derivWeight }], cov: cov * P.derivCov });
      }
    }

    const parts = this.decompounder.split(fold(word)) ?? (alts.length === 0 ? this.looseDecompounder.split(fold(word)) : null);
    if (parts) {
      const terms = parts.map((p) => this.partTerm(p)).filter((t): t is string => t !== null);
      // A compound the site never writes ("barnehageplass", "fagskoleutdanning") is only
      // weakly met by its parts: the parts are common, the whole may mean something else.
      const c = alts.length ? P.partCov : P.splitOnlyCov;
      if (terms.length === parts.length) alts.push({ terms: terms.map((t) => ({ term: t, weight: weight * P.partWeight })), cov: cov * c });
    }
    return alts;
  }

  /** The indexed term for a compound's part: its stem, or the word it is derived from ("forbedring" → "forbedr"). */
  private partTerm(part: string): string | null {
    const t = this.analyzer.stem(part);
    if (this.has(t)) return t;
    for (const base of derivationBases(t)) if (this.has(base)) return base;
    return null;
  }

  /** A typo correction, for a word nothing else (not even the word lists) knows. */
  private typoFor(word: string): Alt[] {
    const P = this.params;
    if (/\d/.test(word)) return [];
    const fixed = this.correct(this.analyzer.stem(word));
    return fixed ? [{ terms: [{ term: fixed, weight: P.typoWeight }], cov: P.typoCov }] : [];
  }

  /** Two neighbouring query words that the site writes as one ("realkompetanse vurdering"). */
  private joined(a: string, b: string): string | null {
    if (a.length < 3 || b.length < 3 || /\d/.test(a + b)) return null;
    for (const link of ['', 's', 'e']) {
      const w = fold(a) + link + fold(b);
      if (this.vocab.has(w)) return w;
    }
    return null;
  }

  /** Query analysis, exposed for explanations and tests. */
  analyze(query: string): AnalyzedConcept[] {
    const P = this.params;
    const maxIdf = this.sec.idf(1);
    const concepts: AnalyzedConcept[] = [];
    const seen = new Set<string>();
    // "23-5" for the 23/5 rule: one token when the site writes it with a slash.
    const text = query.replace(/(\d+)\s*[-–]\s*(\d+)/g, (m, a: string, b: string) => (this.has(`${a}/${b}`) ? `${a}/${b}` : m));
    const qws = this.analyzer.queryWords(text);
    for (let i = 0; i < qws.length; i++) {
      let { word, extra } = qws[i];
      if (/^\d{2,3}$/.test(word)) continue; // ages, counts, percentages: context, not topic
      const next = qws[i + 1];
      const join = next ? this.joined(word, next.word) : null;
      if (join && next) {
        word = join;
        extra = [...extra, ...next.extra];
        i++;
      }
      const key = this.analyzer.stem(word);
      if (seen.has(key)) continue;
      seen.add(key);
      const own = this.alternativesFor(word, 1, 1);
      const alts = [...own];
      // A country's name also searches "utlandet": a broader word, not another name for it.
      const country = this.countries.has(word) || this.countries.has(fold(word));
      const broader: Alt[] = [];
      for (const e of extra) {
        const ews = words(e).filter((w) => !this.analyzer.isStopword(w));
        const eAlts = ews.map((w) => this.alternativesFor(w, P.expandWeight, P.expandCov)).filter((a) => a.length > 0);
        if (eAlts.length === 0) continue;
        const into = country && COUNTRY_TERMS.includes(e) ? broader : alts;
        if (ews.length === 1) into.push(...eAlts[0]);
        else into.push({ terms: eAlts.map((a) => a[0].terms[0]), cov: P.expandCov });
      }
      if (alts.length + broader.length === 0) alts.push(...this.typoFor(word));
      // A long word the site never writes, met only by parts: more often a typo in a word the site
      // does write ("realkompetansevurdring") than a new compound, so its correction is tried too.
      else if (word.length >= 10 && own.length > 0 && own.every((a) => a.terms.length > 1)) alts.push(...this.typoFor(word));
      const asked = alts.length;
      alts.push(...broader);
      const idfOf = (list: Alt[]): number => Math.max(...list.flatMap((a) => a.terms.map((t) => this.sec.idf(this.sec.df(t.term)))));
      let idf: number;
      if (own.length) idf = idfOf(own);
      else if (alts.length) idf = idfOf(alts);
      else if (/\d/.test(word) || word.length <= 2) continue; // ages, years, stray letters: no evidence either way
      else idf = maxIdf * P.unknownIdf;
      // Met only by its parts, and the word lists do not vouch for it either.
      const splitOnly = own.length > 0 && own.every((a) => a.terms.length > 1) && alts.length === own.length;
      concepts.push({ word, asked, idf, known: alts.length > 0, strength: Math.max(0, ...alts.map((a) => a.cov)), splitOnly, alts });
    }
    return concepts;
  }

  search(query: string, limit = 5): Hit[] {
    return this.query(query, limit).hits;
  }

  /** Ranked sections and the features the answer/clarify/escalate decision looks at. */
  query(query: string, limit = 8): SearchResult {
    const P = this.params;
    const concepts = this.analyze(query);
    const idfSum = concepts.reduce((s, c) => s + c.idf, 0);
    const unknown = concepts.filter((c) => !c.known);
    const features: QueryFeatures = {
      concepts: concepts.length,
      unknown: unknown.length,
      unknownShare: idfSum > 0 ? unknown.reduce((s, c) => s + c.idf, 0) / idfSum : 0,
      weakShare: idfSum > 0 ? concepts.reduce((s, c) => s + c.idf * (1 - c.strength), 0) / idfSum : 0,
      splitShare: idfSum > 0 ? concepts.reduce((s, c) => s + (c.splitOnly ? c.idf : 0), 0) / idfSum : 0,
      topShare: 0,
    };
    if (concepts.length === 0 || idfSum === 0 || this.docs.length === 0) return { hits: [], features };

    try {
      for (const c of concepts) {
        if (c.alts.length === 0) continue;
        const w = c.idf / idfSum;
        this.scoreConcept(c, this.sec, this.secConcept, this.secAlt, this.secTotal, w);
        this.scoreConcept(c, this.page, this.pageConcept, this.pageAlt, this.pageTotal, w);
        // A heading or title that names only a broader word ("utlandet" for "Polen") does not ask the user's question.
        if (c.asked > 0) {
          const asked = c.asked === c.alts.length ? c : { ...c, alts: c.alts.slice(0, c.asked) };
          if (P.headingWeight > 0) this.scoreConcept(asked, this.head, this.secConcept, this.secAlt, this.headTotal, w);
          this.scoreConcept(asked, this.titleBm, this.pageConcept, this.pageAlt, this.titleTotal, w);
        }
      }
      const ranked = this.rank(limit, idfSum);
      const five = ranked.slice(0, 5);
      if (five.length > 0) features.topShare = five.filter((r) => r.hit.doc.pageUrl === ranked[0].hit.doc.pageUrl).length / five.length;
      return { hits: diversify(ranked.map((r) => r.hit)).slice(0, limit), features };
    } finally {
      this.secTotal.reset();
      this.pageTotal.reset();
      this.headTotal.reset();
      this.titleTotal.reset();
    }
  }

  /**
   * Every section of a matched page is a candidate: the page may carry the topic when the
   * paragraph does not repeat it. A section's evidence is its own BM25F plus a weighted share of
   * its page's, scaled by coverage (mixed from the section's and the page's). Then two steps:
   *
   * 1. The page: its best section's evidence, plus `pageRest` × the other sections' own evidence
   *    (a page that meets the question in several sections is about it).
   * 2. The section: the page's score goes to the section that answers best — its evidence with
   *    up to `headingWeight` more for a heading that holds the question's words — and every
   *    other section of the page gets its proportional share of that score.
   *
   * So scores stay comparable across pages (a page's first section carries the page's score),
   * and what decides the section shown never changes which page is ranked first.
   */
  private rank(limit: number, idfSum: number): Ranked[] {
    const P = this.params;
    const { secTotal, pageTotal, headTotal, within, owns, boost } = this;
    const { covFloor, rankPageCov, pageWeight, headingWeight } = P;
    const secVal = secTotal.val;
    const secCov = secTotal.aux;
    const headCov = headTotal.aux;
    const top: Ranked[] = [];
    const keep = Math.max(limit * 3, 12);
    let floor = -Infinity;
    for (let i = 0; i < pageTotal.count; i++) {
      const p = pageTotal.touched[i];
      const ps = pageTotal.val[p];
      const pc = pageTotal.aux[p];
      const sections = this.pageSections[p];
      const n = sections.length;
      let best = 0;
      let bestAt = 0;
      let bestWithin = 0;
      let ownSum = 0;
      for (let k = 0; k < n; k++) {
        const d = sections[k];
        const factor = (covFloor + (1 - covFloor) * (rankPageCov * pc + (1 - rankPageCov) * secCov[d])) * boost[d];
        const own = secVal[d] * factor;
        const evidence = own + pageWeight * ps * factor;
        owns[k] = own;
        ownSum += own;
        if (evidence > best) {
          best = evidence;
          bestAt = k;
        }
        const hc = headCov[d];
        within[k] = evidence * (1 + headingWeight * (hc < 1 ? hc : 1));
        if (within[k] > bestWithin) bestWithin = within[k];
      }
      if (bestWithin <= 0) continue;
      // The other sections' own evidence, the best few of them: a page of many short answers
      // (a long FAQ) should not win by its length.
      let rest = ownSum - owns[bestAt];
      if (n - 1 > PAGE_REST_SECTIONS) {
        // Only the best few count: sort the others in place, largest first, and drop the rest.
        owns[bestAt] = owns[n - 1];
        for (let a = 1; a < n - 1; a++) {
          const v = owns[a];
          let b = a - 1;
          while (b >= 0 && owns[b] < v) owns[b + 1] = owns[b--];
          owns[b + 1] = v;
        }
        for (let k = PAGE_REST_SECTIONS; k < n - 1; k++) rest -= owns[k];
      }
      const pageScore = best + P.pageRest * rest;
      // No section of the page scores above the page: nothing to do when the page cannot make the list.
      if (top.length >= keep && pageScore <= floor) continue;
      let matched = 0;
      for (let k = 0; k < n; k++) if (secVal[sections[k]] > 0) matched++;
      const pageEvidence = ps / idfSum;
      const titleCoverage = Math.min(1, this.titleTotal.aux[p]);
      const sectionsMatched = matched / n;
      for (let k = 0; k < n; k++) {
        const score = (pageScore * within[k]) / bestWithin;
        if (top.length >= keep && score <= floor) continue;
        const d = sections[k];
        insertSorted(top, { d, hit: { doc: this.docs[d], score, coverage: Math.min(1, secTotal.aux[d]), pageCoverage: Math.min(1, pc), pageEvidence, titleCoverage, sectionsMatched, headingCoverage: Math.min(1, headCov[d]) } }, keep);
        floor = top.length >= keep ? top[top.length - 1].hit.score : -Infinity;
      }
    }
    return top;
  }

  /** Adds one concept's best alternative to each document's score (val) and coverage (aux). */
  private scoreConcept(c: AnalyzedConcept, bm: Bm25, conc: Acc, alt: Acc, total: Acc, covWeight: number): void {
    for (const a of c.alts) {
      let totalW = 0;
      for (const t of a.terms) totalW += t.weight;
      for (const { term, weight } of a.terms) {
        const p = bm.postings.get(term);
        if (!p) continue;
        const idf = bm.idf(p.docs.length);
        const k1 = bm.k1;
        const b = bm.b;
        const avg = bm.avgLen;
        for (let k = 0; k < p.docs.length; k++) {
          const d = p.docs[k];
          const tf = p.tfs[k];
          const norm = (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * bm.len[d]) / avg));
          alt.touch(d);
          alt.val[d] += weight * idf * norm;
          alt.aux[d] += weight;
        }
      }
      for (let i = 0; i < alt.count; i++) {
        const d = alt.touched[i];
        conc.touch(d);
        if (alt.val[d] > conc.val[d]) conc.val[d] = alt.val[d];
        const cv = (a.cov * alt.aux[d]) / totalW;
        if (cv > conc.aux[d]) conc.aux[d] = cv;
      }
      alt.reset();
    }
    for (let i = 0; i < conc.count; i++) {
      const d = conc.touched[i];
      total.touch(d);
      total.val[d] += conc.val[d];
      total.aux[d] += conc.aux[d] * covWeight;
    }
    conc.reset();
  }
}

interface Ranked { d: number; hit: Hit }

/** Inserts a hit into a list kept sorted by score (ties: document order), at most `keep` long. */
function insertSorted(list: Ranked[], h: Ranked, keep: number): void {
  let i = list.length;
  while (i > 0 && (list[i - 1].hit.score < h.hit.score || (list[i - 1].hit.score === h.hit.score && list[i - 1].d > h.d))) i--;
  list.splice(i, 0, h);
  if (list.length > keep) list.pop();
}

/** Best section of each page first (in score order), then the remaining sections. */
function diversify(hits: Hit[]): Hit[] {
  const seen = new Set<string>();
  const first: Hit[] = [];
  const rest: Hit[] = [];
  for (const h of hits) {
    if (seen.has(h.doc.pageUrl)) rest.push(h);
    else {
      seen.add(h.doc.pageUrl);
      first.push(h);
    }
  }
  return [...first, ...rest];
}

/** How many of a page's other sections count towards its rank (see `rank`). */
const PAGE_REST_SECTIONS = 5;

/** Suffixes that make nouns of verbs: "vurdere/vurdering", "søke/søknad", "påbygg/påbygging". */
const DERIVATION_SUFFIXES = ['ering', 'ning', 'ing', 'nad', 'else'];

/**
 * The stems a stem may be derived from: a noun's verb ("vurdering" → "vurd"), and a weak
 * verb's past participle or past tense ("godkjent"/"godkjente" → "godkjenn", "betalt" →
 * "betal", "fullført" → "fullfør"), which Snowball leaves apart from the verb. A double
 * consonant is written single before the t ("kjenne"/"kjent"), so both spellings are tried;
 * "-st" and "-tt" endings are not participles ("frist", "rett").
 */
function derivationBases(term: string): string[] {
  const out: string[] = [];
  for (const suf of DERIVATION_SUFFIXES) if (term.length - suf.length >= 4 && term.endsWith(suf)) out.push(term.slice(0, -suf.length));
  const pp = /^(.{2,}[aeiouyæøå][^aeiouyæøå]?)([bdfgklmnprv])t$/.exec(term);
  if (pp) out.push(pp[1] + pp[2], pp[1] + pp[2] + pp[2]);
  return out;
}

/** The word itself and every string one deletion away (for typo look-ups). */
function deletions(term: string): string[] {
  const out = [term];
  if (term.length < 4) return out;
  for (let i = 0; i < term.length; i++) out.push(term.slice(0, i) + term.slice(i + 1));
  return out;
}
