/**
 * Section-level full-text index with BM25F ranking over page title, heading and text.
 * Query words become "concepts" (the word, its synonyms, its compound parts, a typo correction);
 * a section's score sums the best alternative per concept, and its coverage says how much of
 * the question (weighted by rarity) it matched. Coverage drives the answer/clarify/escalate
 * decision; score orders the results.
 */
import { Analyzer, Decompounder, editDistance, fold, words } from './text.js';

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
  /** BM25F score, adjusted by coverage; comparable within one query only. */
  score: number;
  /** Share (0–1) of the question's weighted concepts that this section matched. */
  coverage: number;
}

interface Posting { docs: Int32Array; tfs: Float32Array }
interface Alt { terms: { term: string; weight: number }[]; cov: number }
interface AnalyzedConcept { word: string; idf: number; alts: Alt[] }

const FIELD_WEIGHT = { title: 1.5, heading: 2.5, body: 1, question: 3 };
const PART_FACTOR = 0.5;
const K1 = 1.2;
const B = 0.75;
const CURATED_BOOST = 1.4;

export class SearchIndex {
  readonly docs: SectionDoc[];
  private readonly postings = new Map<string, Posting>();
  private readonly docLen: Float32Array;
  private readonly avgLen: number;
  private readonly decompounder: Decompounder;
  private readonly deletes = new Map<string, string[]>();
  private readonly termDf = new Map<string, number>();

  constructor(readonly analyzer: Analyzer, docs: SectionDoc[]) {
    this.docs = docs;
    const vocab = new Map<string, number>();
    const fieldWords = docs.map((d) => {
      const f = {
        title: analyzer.indexWords(d.title),
        heading: analyzer.indexWords(d.heading),
        body: analyzer.indexWords(d.text),
        question: analyzer.indexWords((d.questions ?? []).join(' ')),
      };
      for (const list of Object.values(f)) for (const w of list) vocab.set(fold(w), (vocab.get(fold(w)) ?? 0) + 1);
      return f;
    });
    this.decompounder = new Decompounder(vocab);

    const tmp = new Map<string, Map<number, number>>();
    this.docLen = new Float32Array(docs.length);
    let total = 0;
    fieldWords.forEach((f, i) => {
      let len = 0;
      for (const [field, list] of Object.entries(f) as [keyof typeof FIELD_WEIGHT, string[]][]) {
        const fw = FIELD_WEIGHT[field];
        for (const w of list) {
          this.addTf(tmp, this.analyzer.stem(w), i, fw);
          const parts = this.decompounder.split(fold(w));
          if (parts) for (const p of parts) this.addTf(tmp, this.analyzer.stem(p), i, fw * PART_FACTOR);
          len += fw;
        }
      }
      this.docLen[i] = len;
      total += len;
    });
    this.avgLen = docs.length ? total / docs.length : 1;
    for (const [term, m] of tmp) {
      const ids = [...m.keys()].sort((a, b) => a - b);
      this.postings.set(term, { docs: Int32Array.from(ids), tfs: Float32Array.from(ids.map((id) => m.get(id) ?? 0)) });
      this.termDf.set(term, ids.length);
      for (const del of deletions(term)) {
        const list = this.deletes.get(del);
        if (list) list.push(term);
        else this.deletes.set(del, [term]);
      }
    }
  }

  get size(): number {
    return this.docs.length;
  }

  private addTf(tmp: Map<string, Map<number, number>>, term: string, doc: number, w: number): void {
    let m = tmp.get(term);
    if (!m) tmp.set(term, (m = new Map()));
    m.set(doc, (m.get(doc) ?? 0) + w);
  }

  private idf(df: number): number {
    const n = this.docs.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** The closest indexed term within 1 edit (2 for long words), or null. */
  correct(term: string): string | null {
    if (term.length < 4) return null;
    const max = term.length >= 8 ? 2 : 1;
    let best: { t: string; d: number; df: number } | null = null;
    for (const del of deletions(term)) {
      for (const cand of this.deletes.get(del) ?? []) {
        const d = editDistance(term, cand, max);
        if (d > max) continue;
        const df = this.termDf.get(cand) ?? 0;
        if (!best || d < best.d || (d === best.d && df > best.df)) best = { t: cand, d, df };
      }
    }
    return best ? best.t : null;
  }

  private alternativesFor(word: string, weight: number, cov: number): Alt[] {
    const alts: Alt[] = [];
    const term = this.analyzer.stem(word);
    if (this.postings.has(term)) alts.push({ terms: [{ term, weight }], cov });
    const parts = this.decompounder.split(fold(word));
    if (parts) {
      const terms = parts.map((p) => this.analyzer.stem(p)).filter((t) => this.postings.has(t));
      if (terms.length === parts.length) alts.push({ terms: terms.map((t) => ({ term: t, weight: weight * 0.8 })), cov: cov * 0.9 });
    }
    if (alts.length === 0 && !/^\d+$/.test(word)) {
      const fixed = this.correct(term);
      if (fixed) alts.push({ terms: [{ term: fixed, weight: weight * 0.8 }], cov: cov * 0.85 });
    }
    return alts;
  }

  /** Query analysis, exposed for explanations and tests. */
  analyze(query: string): AnalyzedConcept[] {
    const unknownIdf = this.idf(0);
    const concepts: AnalyzedConcept[] = [];
    const seen = new Set<string>();
    for (const { word, extra } of this.analyzer.queryWords(query)) {
      const key = this.analyzer.stem(word);
      if (seen.has(key)) continue;
      seen.add(key);
      const alts = this.alternativesFor(word, 1, 1);
      for (const e of extra) {
        const ews = words(e).filter((w) => !this.analyzer.isStopword(w));
        const eAlts = ews.map((w) => this.alternativesFor(w, 0.6, 0.9)).filter((a) => a.length > 0);
        if (eAlts.length === 0) continue;
        if (ews.length === 1) alts.push(...eAlts[0]);
        else alts.push({ terms: eAlts.map((a) => a[0].terms[0]), cov: 0.9 });
      }
      const dfs = alts.flatMap((a) => a.terms.map((t) => this.termDf.get(t.term) ?? 0));
      let idf: number;
      if (dfs.length) idf = Math.max(...dfs.map((df) => this.idf(df)));
      else if (/^\d+$/.test(word) || word.length <= 2) continue; // ages, years, stray letters: no evidence either way
      else idf = unknownIdf;
      concepts.push({ word, idf, alts });
    }
    return concepts;
  }

  search(query: string, limit = 5): Hit[] {
    const concepts = this.analyze(query);
    const nC = concepts.length;
    if (nC === 0) return [];
    const scores = new Map<number, Float64Array>();
    const covs = new Map<number, Float64Array>();
    const idfSum = concepts.reduce((s, c) => s + c.idf, 0);
    concepts.forEach((c, ci) => {
      for (const alt of c.alts) {
        const altScore = new Map<number, number>();
        const altMatched = new Map<number, number>();
        const totalW = alt.terms.reduce((s, t) => s + t.weight, 0);
        for (const { term, weight } of alt.terms) {
          const p = this.postings.get(term);
          if (!p) continue;
          const idf = this.idf(p.docs.length);
          for (let k = 0; k < p.docs.length; k++) {
            const d = p.docs[k];
            const tf = p.tfs[k];
            const norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * this.docLen[d] / this.avgLen));
            altScore.set(d, (altScore.get(d) ?? 0) + weight * idf * norm);
            altMatched.set(d, (altMatched.get(d) ?? 0) + weight);
          }
        }
        for (const [d, s] of altScore) {
          let sa = scores.get(d);
          let ca = covs.get(d);
          if (!sa || !ca) {
            scores.set(d, (sa = new Float64Array(nC)));
            covs.set(d, (ca = new Float64Array(nC)));
          }
          if (s > sa[ci]) sa[ci] = s;
          const cv = alt.cov * ((altMatched.get(d) ?? 0) / totalW);
          if (cv > ca[ci]) ca[ci] = cv;
        }
      }
    });
    const hits: Hit[] = [];
    for (const [d, sa] of scores) {
      const ca = covs.get(d) as Float64Array;
      let s = 0;
      let cov = 0;
      for (let i = 0; i < nC; i++) {
        s += sa[i];
        cov += ca[i] * concepts[i].idf;
      }
      const coverage = idfSum > 0 ? cov / idfSum : 0;
      const doc = this.docs[d];
      const score = s * (0.3 + 0.7 * coverage) * (doc.kind === 'curated' ? CURATED_BOOST : 1);
      hits.push({ doc, score, coverage });
    }
    hits.sort((a, b) => b.score - a.score || a.doc.id.localeCompare(b.doc.id));
    return hits.slice(0, limit);
  }
}

/** The word itself and every string one deletion away (for typo look-ups). */
function deletions(term: string): string[] {
  const out = [term];
  if (term.length < 4) return out;
  for (let i = 0; i < term.length; i++) out.push(term.slice(0, i) + term.slice(i + 1));
  return out;
}
