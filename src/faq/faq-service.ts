/**
 * The FAQ: builds the search index from crawled pages and curated entries, and turns a
 * question into one of four outcomes — answer, clarify ("Mente du …?"), escalate (no good
 * answer), nav (NAV's own benefits and rules: never answered from county pages). The decision
 * between the first three is learned (decision-model.ts). The bot and `npm run ask` both call
 * `ask`, so what is measured is what users get.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { StoredPage } from './crawler.js';
import { SearchIndex, type Hit, type SearchResult, type SectionDoc } from './search-index.js';
import { excerpt } from './excerpt.js';
import { Analyzer, isCaseQuestion } from './text.js';
import type { Decision } from '../store/store.js';
import { decide, type DecisionModel } from './decision-model.js';

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
  /** For a direct answer with a close runner-up: «Andre sider som kan passe» (other pages). */
  alternatives: Hit[];
  /** The question names a NAV benefit or measure that the county's answer does not decide: say that NAV's rules apply. */
  navNote?: boolean;
  /** Escalated because the question asks about one bruker's own case (see isCaseQuestion), not because nothing matched. */
  caseQuestion?: boolean;
  /** P(top page right), P(a right page among the first three), and the features they came from (not for NAV). */
  p1?: number;
  p3?: number;
  features?: number[];
}

export class FaqService {
  private index: SearchIndex;
  private byId = new Map<string, SectionDoc>();

  constructor(readonly analyzer: Analyzer, public model: DecisionModel, docs: SectionDoc[] = []) {
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
    const d = decide(result, this.model);
    // One bruker's own case (an application's status, a decision, a meeting): not for a public page, whatever it matches.
    if (isCaseQuestion(question)) return { ...d, decision: 'escalate', hits, candidates: [], alternatives: [], caseQuestion: true };
    // A NAV benefit or measure named: the county's answer only when its pages surely answer the
    // question (with the line that NAV's own rules apply to the benefit); the rest goes to NAV.
    if (this.analyzer.isNavQuestion(question)) {
      if (d.decision === 'answer') return { ...d, hits, navNote: true };
      return { ...d, decision: 'nav', hits, candidates: [], alternatives: [] };
    }
    return { ...d, hits };
  }

  /** One line that says what a section is about (its first sentence, clipped): shown under each «Mente du …?» candidate. */
  firstLine(doc: SectionDoc, max = 140): string {
    const text = doc.text.split('\n').map((l) => l.replace(/^•\s*/, '').trim()).find(Boolean) ?? '';
    const seg = new Intl.Segmenter('nb', { granularity: 'sentence' });
    const first = [...seg.segment(text)][0]?.segment.trim() ?? '';
    return first.length <= max ? first : `${first.slice(0, max - 1).replace(/\s+\S*$/, '')} …`;
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
    return excerpt(this.analyzer, doc, question, maxChars);
  }
}
