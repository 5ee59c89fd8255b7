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
import { SearchIndex, type Hit, type SectionDoc } from './search-index.js';
import { Analyzer, words } from './text.js';
import type { Decision } from '../store/store.js';

export const DEFAULT_THRESHOLDS_FILE = fileURLToPath(new URL('./thresholds.json', import.meta.url));

export interface Thresholds {
  /** Top section's coverage at or above this: answer (when it also stands clear of the next page). */
  answer: number;
  /** Coverage at or above this (but below `answer`, or not clear): clarify with candidates. */
  clarify: number;
  /** The next page's section must score below `margin` × the top score for a direct answer. */
  margin: number;
}

const ThresholdsFile = z.object({ answer: z.number().min(0).max(1), clarify: z.number().min(0).max(1), margin: z.number().min(0).max(1) });

export function loadThresholds(file: string = DEFAULT_THRESHOLDS_FILE): Thresholds {
  const parsed = ThresholdsFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`Terskelfila ${file} er ugyldig: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
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
    const hits = this.index.search(question, 8);
    const top5 = hits.slice(0, 5);
    if (this.analyzer.isNavQuestion(question)) return { decision: 'nav', hits: top5, candidates: [] };
    const candidates = distinctPages(hits).filter((h) => h.coverage >= this.thresholds.clarify).slice(0, 3);
    const top = hits[0];
    if (!top || top.coverage < this.thresholds.clarify) return { decision: 'escalate', hits: top5, candidates: [] };
    const runnerUp = distinctPages(hits)[1];
    const clear = !runnerUp || runnerUp.score < this.thresholds.margin * top.score;
    if (top.coverage >= this.thresholds.answer && clear) return { decision: 'answer', hits: top5, candidates: [] };
    return { decision: 'clarify', hits: top5, candidates };
  }

  /** 2–4 sentences of a section that best meet the question, in the section's own order. */
  excerpt(doc: SectionDoc, question: string, maxChars = 480): string {
    const seg = new Intl.Segmenter('nb', { granularity: 'sentence' });
    const sentences = doc.text
      .split('\n')
      .flatMap((line) => Array.from(seg.segment(line), (s) => s.segment.trim()))
      .filter((s) => s.length > 1);
    if (sentences.length <= 2) return clip(sentences.join(' '), maxChars);
    const q = new Set(words(question).filter((w) => !this.analyzer.isStopword(w)).map((w) => this.analyzer.stem(w)));
    const scored = sentences.map((s, i) => ({ i, s, score: words(s).filter((w) => q.has(this.analyzer.stem(w))).length + (i === 0 ? 0.5 : 0) }));
    const chosen = new Set<number>([0]);
    for (const c of [...scored].sort((a, b) => b.score - a.score || a.i - b.i)) {
      if (chosen.size >= 4) break;
      const length = [...chosen].reduce((n, i) => n + sentences[i].length, 0);
      if (chosen.size >= 2 && (c.score === 0 || length + c.s.length > maxChars)) break;
      chosen.add(c.i);
    }
    return clip([...chosen].sort((a, b) => a - b).map((i) => sentences[i]).join(' '), maxChars);
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
