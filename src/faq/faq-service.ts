/**
 * The FAQ: builds the search index from crawled pages and curated entries, and turns a
 * question into one of four outcomes — answer, clarify ("Mente du …?"), escalate (no good
 * answer), nav (NAV's own benefits and rules: never answered from county pages). The bot and
 * `npm run ask` both call `ask`, so what is measured is what users get.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { StoredPage } from './crawler.js';
import { SearchIndex, type Hit, type SearchResult, type SectionDoc } from './search-index.js';
import { Analyzer, words } from './text.js';
import type { Decision } from '../store/store.js';

export const DEFAULT_THRESHOLDS_FILE = fileURLToPath(new URL('./thresholds.json', import.meta.url));

export interface Thresholds {
  /** Confidence at or above this: answer (when the top page also stands clear of the next page). */
  answer: number;
  /** Confidence at or above this (but below `answer`, or not clear): clarify; below: escalate. */
  clarify: number;
  /** The next page's best section must score below `margin` × the top score for a direct answer. */
  margin: number;
  /**
   * How coverage is measured: the share of the question met by the top section's whole page
   * (1), by the section alone (0), or a mix. Optional; default 1 (the page).
   */
  pageShare?: number;
  /**
   * How much the share of the question the site cannot vouch for (words it does not know, or
   * only meets by a compound's parts or a typo fix) lowers the confidence. Optional; default 0.
   */
  weakWeight?: number;
  /**
   * Extra weight, in that share, of compounds the site never writes and only meets through their
   * parts ("barnehageplass" → "barnehage" + "plass"). Optional; default 0.
   */
  splitPenalty?: number;
  /**
   * Escalate when the top hit covers less than this share of the question, however little of
   * it is unknown (coverage as set by `pageShare`). Optional; default 0.
   */
  minCoverage?: number;
  /** How the values were measured (written by `npm run calibrate`); informative only. */
  measured?: Record<string, unknown>;
}

const ThresholdsFile = z.object({
  // Confidence is coverage (0–1) less a weakness term, so thresholds may go below 0.
  answer: z.number().min(-1).max(1),
  clarify: z.number().min(-1).max(1),
  margin: z.number().min(0).max(1),
  pageShare: z.number().min(0).max(1).optional(),
  weakWeight: z.number().min(0).max(10).optional(),
  splitPenalty: z.number().min(0).max(1).optional(),
  minCoverage: z.number().min(0).max(1).optional(),
  measured: z.record(z.string(), z.unknown()).optional(),
});

export function loadThresholds(file: string = DEFAULT_THRESHOLDS_FILE): Thresholds {
  const parsed = ThresholdsFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`Terskelfila ${file} er ugyldig: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** How much of the question the site cannot vouch for (0–1+), as the decision weighs it. */
export function weakness(result: SearchResult, t: Thresholds): number {
  return result.features.weakShare + (t.splitPenalty ?? 0) * result.features.splitShare;
}

/**
 * Confidence that a hit answers the question: the share of the question its page (or section,
 * or a mix) covers, lowered by the part of the question the site does not know.
 */
export function confidence(result: SearchResult, hit: Hit, t: Thresholds): number {
  return coverageOf(hit, t) - (t.weakWeight ?? 0) * weakness(result, t);
}

/** The share of the question a hit covers: its page's (pageShare 1), its own (0), or a mix. */
export function coverageOf(hit: Hit, t: Thresholds): number {
  const share = t.pageShare ?? 1;
  return share * hit.pageCoverage + (1 - share) * hit.coverage;
}

/**
 * Answer, clarify or escalate, from what the index found. Pure, so the calibration can try
 * many thresholds on one search per question. (NAV questions are sorted out before this.)
 */
export function decide(result: SearchResult, t: Thresholds): { decision: Exclude<Decision, 'nav'>; candidates: Hit[] } {
  const top = result.hits[0];
  if (!top) return { decision: 'escalate', candidates: [] };
  const conf = confidence(result, top, t);
  if (conf < t.clarify || coverageOf(top, t) < (t.minCoverage ?? 0)) return { decision: 'escalate', candidates: [] };
  const pages = distinctPages(result.hits);
  const runnerUp = pages[1];
  const clear = !runnerUp || runnerUp.score < t.margin * top.score;
  if (conf >= t.answer && clear) return { decision: 'answer', candidates: [] };
  return { decision: 'clarify', candidates: pages.filter((h) => confidence(result, h, t) >= t.clarify).slice(0, 3) };
}

const CuratedFile = z.array(
  z.object({
    question: z.string().min(3),
    alternatives: z.array(z.string()).default([]),
    answer: z.string().min(3),
    url: z.string().min(1),
    heading: z.string().optional(),
    updated: z.string().optional(),
  }),
);
export type CuratedEntry = z.infer<typeof CuratedFile>[number];

/** Reads curated Q&A entries; relative source URLs are resolved against the site's address. */
export function loadCurated(file: string): CuratedEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Kan ikke lese kuraterte spørsmål i ${file}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = CuratedFile.safeParse(raw);
  if (!parsed.success) throw new Error(`Kuraterte spørsmål i ${file} er ugyldige: ${parsed.error.issues.map((i) => `[${i.path.join('.')}] ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Sections of crawled pages, plus curated entries, as search documents. */
export function toDocs(pages: StoredPage[], curated: CuratedEntry[] = [], siteUrl?: string): SectionDoc[] {
  const docs: SectionDoc[] = [];
  for (const p of pages) {
    p.sections.forEach((s, i) => {
      const url = s.anchor ? `${p.url}#${s.anchor}` : p.url;
      docs.push({ id: s.anchor ? url : `${p.url}#§${i}`, url, pageUrl: p.url, title: p.title, heading: s.heading, text: s.text, updated: p.updated, kind: 'page' });
    });
  }
  curated.forEach((c, i) => {
    const url = siteUrl ? new URL(c.url, siteUrl).href : c.url;
    const pageUrl = url.split('#')[0];
    docs.push({ id: `curated:${i}`, url, pageUrl, title: c.heading ?? c.question, heading: c.heading ?? c.question, text: c.answer, updated: c.updated, kind: 'curated', questions: [c.question, ...c.alternatives] });
  });
  return docs;
}

export interface FaqResult {
  decision: Decision;
  /** Up to 5 sections, best first. */
  hits: Hit[];
  /** For clarify: up to three candidates from different pages. */
  candidates: Hit[];
}

export class FaqService {
  private index: SearchIndex;
  private byId = new Map<string, SectionDoc>();

  constructor(readonly analyzer: Analyzer, readonly thresholds: Thresholds, docs: SectionDoc[] = []) {
    this.index = new SearchIndex(analyzer, docs);
    this.byId = new Map(docs.map((d) => [d.id, d]));
  }

  /** Swaps in a new index (after a crawl); questions in flight finish on the old one. */
  rebuild(docs: SectionDoc[]): void {
    const index = new SearchIndex(this.analyzer, docs);
    this.index = index;
    this.byId = new Map(docs.map((d) => [d.id, d]));
  }

  get size(): number {
    return this.index.size;
  }

  section(id: string): SectionDoc | undefined {
    return this.byId.get(id);
  }

  ask(question: string): FaqResult {
    const result = this.index.query(question, 8);
    const hits = result.hits.slice(0, 5);
    if (this.analyzer.isNavQuestion(question)) return { decision: 'nav', hits, candidates: [] };
    return { ...decide(result, this.thresholds), hits };
  }

  /** The search behind `ask`, with the features the decision looks at (for calibration and explanations). */
  search(question: string, limit = 8): SearchResult {
    return this.index.query(question, limit);
  }

  /**
   * 2–4 sentences of a section that best meet the question, in the section's own order. A list
   * (lines starting with "• ", as list items come out of extraction) is one unit: it is
   * shown whole, as a Markdown list under the sentence that introduces it, never as one item
   * cut out of its context.
   */
  excerpt(doc: SectionDoc, question: string, maxChars = 480): string {
    const seg = new Intl.Segmenter('nb', { granularity: 'sentence' });
    type Unit = { text: string; items?: string[] };
    const units: Unit[] = [];
    const lines = doc.text.split('\n').map((l) => l.trim()).filter(Boolean);
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].startsWith('• ')) {
        const items: string[] = [];
        while (i < lines.length && lines[i].startsWith('• ')) items.push(lines[i++].slice(2));
        i--;
        units.push({ text: items.join(' '), items });
      } else {
        for (const sg of seg.segment(lines[i])) if (sg.segment.trim().length > 1) units.push({ text: sg.segment.trim() });
      }
    }
    const q = new Set(words(question).filter((w) => !this.analyzer.isStopword(w)).map((w) => this.analyzer.stem(w)));
    const score = (u: Unit, i: number): number => words(u.text).filter((w) => q.has(this.analyzer.stem(w))).length / (u.items ? Math.max(1, u.items.length / 2) : 1) + (i === 0 ? 0.5 : 0);
    const chosen = new Set<number>([0]);
    const length = (): number => [...chosen].reduce((n, i) => n + units[i].text.length, 0);
    for (const c of units.map((u, i) => ({ i, s: score(u, i) })).sort((x, y) => y.s - x.s || x.i - y.i)) {
      if (chosen.size >= 4 || (chosen.size >= 2 && (c.s === 0 || length() + units[c.i].text.length > maxChars))) break;
      if (chosen.has(c.i)) continue;
      chosen.add(c.i);
      // A list needs the sentence that introduces it.
      if (units[c.i].items && c.i > 0 && !units[c.i - 1].items) chosen.add(c.i - 1);
    }
    if (chosen.size < 2 && units.length > 1) chosen.add(1);
    const out: string[] = [];
    for (const i of [...chosen].sort((x, y) => x - y)) {
      const u = units[i];
      if (u.items) out.push(`\n${u.items.map((it) => `- ${it}`).join('\n')}\n`);
      else out.push(u.text);
    }
    return clip(out.join(' ').replace(/ ?\n ?/g, '\n').replace(/\n{2,}/g, '\n').trim(), maxChars + 200);
  }
}

function distinctPages(hits: Hit[]): Hit[] {
  const seen = new Set<string>();
  return hits.filter((h) => (seen.has(h.doc.pageUrl) ? false : (seen.add(h.doc.pageUrl), true)));
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : max)} …`;
}
