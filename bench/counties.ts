/**
 * FAQ quality per county, measured the way it is checked from outside: each county's site is
 * served on loopback, crawled, and its questions asked of the same FaqService the bot and
 * `npm run ask` use. The counties are the bundled demo county (its questions were written together
 * with its pages, and the lexicon and thresholds were tuned on them: its figures are *fitted*) and
 * every evaluation county in test/fixtures/counties/<name>/ (pages/, site.json, questions.jsonl):
 * sites written from public facts of other Norwegian counties, with questions written from a
 * veileder's situation by an author who had not seen the pages, and labelled against the pages
 * afterwards. Nothing here feeds the lexicon or the thresholds: their figures are *held out*.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_CURATED_FILE } from '../src/app.js';
import { DEFAULT_PAGES_DIR, startDemoSite } from '../src/demosite/server.js';
import { crawlSite, type StoredPage } from '../src/faq/crawler.js';
import { FaqService, loadCurated, loadThresholds, toDocs, type Thresholds } from '../src/faq/faq-service.js';
import { Analyzer, loadLexicon } from '../src/faq/text.js';
import { loadEvalSet, pathOf, type EvalQuestion } from './eval-lib.js';

export const COUNTIES_DIR = fileURLToPath(new URL('../test/fixtures/counties/', import.meta.url));

export interface County {
  name: string;
  pagesDir: string;
  questions: EvalQuestion[];
  curatedFile?: string;
  /** The lexicon and thresholds were tuned on this county's questions. */
  fitted: boolean;
}

export function loadCounties(): County[] {
  const counties: County[] = [{ name: 'fjordvik (demo)', pagesDir: DEFAULT_PAGES_DIR, questions: loadEvalSet(), curatedFile: DEMO_CURATED_FILE, fitted: true }];
  if (!existsSync(COUNTIES_DIR)) return counties;
  for (const name of readdirSync(COUNTIES_DIR).sort()) {
    const file = `${COUNTIES_DIR}${name}/questions.jsonl`;
    if (!existsSync(file)) continue;
    const questions = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalQuestion);
    counties.push({ name, pagesDir: `${COUNTIES_DIR}${name}/pages`, questions, fitted: false });
  }
  return counties;
}

/** Crawls a county's site once, served on loopback. */
export async function crawlCounty(c: County): Promise<{ pages: StoredPage[]; site: string }> {
  const server = await startDemoSite(0, { pagesDir: c.pagesDir });
  try {
    const r = await crawlSite({ startUrl: server.url, delayMs: 0 });
    return { pages: r.pages, site: server.url };
  } finally {
    await server.close();
  }
}

export interface CountyOutcome { q: EvalQuestion; decision: string; ranked: string[]; candidates: string[] }

export function askCounty(c: County, crawled: { pages: StoredPage[]; site: string }, thresholds: Thresholds = loadThresholds()): CountyOutcome[] {
  const faq = new FaqService(new Analyzer(loadLexicon()), thresholds, toDocs(crawled.pages, c.curatedFile ? loadCurated(c.curatedFile) : [], crawled.site));
  return c.questions.map((q) => {
    const r = faq.ask(q.question);
    const pages: string[] = [];
    for (const h of r.hits) {
      const p = pathOf(h.doc.pageUrl);
      if (!pages.includes(p)) pages.push(p);
    }
    return { q, decision: r.decision, ranked: pages, candidates: r.candidates.map((h) => pathOf(h.doc.pageUrl)) };
  });
}

/** The figures the product is judged by (percentages). */
export interface CountyFigures {
  answerable: number;
  unanswerable: number;
  /** Right page first / among the first three (answerable questions). */
  top1: number;
  top3: number;
  /** A direct answer from the right page, or «Mente du …?» with the right page among the candidates. */
  answeredRight: number;
  /** A direct answer from a wrong page. */
  answeredWrong: number;
  /** Answerable questions sent to the education team / to NAV. */
  escalated: number;
  toNav: number;
  /** Answerable questions that got «Mente du …?». */
  clarified: number;
  /** Questions the site cannot answer (NAV's or nobody's) that were not answered. */
  unansweredOk: number;
}

export function countyFigures(outcomes: CountyOutcome[]): CountyFigures {
  const pct = (n: number, d: number): number => (d ? (100 * n) / d : 0);
  const ans = outcomes.filter((o) => o.q.kind === 'answer');
  const un = outcomes.filter((o) => o.q.kind !== 'answer');
  const right = (o: CountyOutcome, k: number): boolean => o.ranked.slice(0, k).some((p) => o.q.expected.includes(p));
  const count = (f: (o: CountyOutcome) => boolean): number => pct(ans.filter(f).length, ans.length);
  return {
    answerable: ans.length,
    unanswerable: un.length,
    top1: count((o) => right(o, 1)),
    top3: count((o) => right(o, 3)),
    answeredRight: count((o) => (o.decision === 'answer' && right(o, 1)) || (o.decision === 'clarify' && o.candidates.some((p) => o.q.expected.includes(p)))),
    answeredWrong: count((o) => o.decision === 'answer' && !right(o, 1)),
    escalated: count((o) => o.decision === 'escalate'),
    toNav: count((o) => o.decision === 'nav'),
    clarified: count((o) => o.decision === 'clarify'),
    unansweredOk: pct(un.filter((o) => o.decision === 'escalate' || o.decision === 'nav').length, un.length),
  };
}

export async function countiesBench(): Promise<{ county: County; figures: CountyFigures }[]> {
  const out: { county: County; figures: CountyFigures }[] = [];
  for (const county of loadCounties()) out.push({ county, figures: countyFigures(askCounty(county, await crawlCounty(county))) });
  return out;
}

const COLUMNS: [keyof CountyFigures, string][] = [
  ['top1', 'top-1'], ['top3', 'top-3'], ['answeredRight', 'right'], ['answeredWrong', 'wrong'], ['escalated', 'escal.'], ['toNav', 'to NAV'], ['clarified', 'clarify'], ['unansweredOk', 'unans.ok'],
];

export function printCounties(rows: { county: County; figures: CountyFigures }[]): void {
  console.log('\nFAQ quality per county (same path as npm run ingest / npm run ask; % of answerable questions, last column % of the others)');
  console.log(`${'county'.padEnd(22)} ${'ans/other'.padStart(9)} ${COLUMNS.map(([, h]) => h.padStart(8)).join(' ')}`);
  const line = (name: string, f: CountyFigures) => `${name.padEnd(22)} ${`${f.answerable}/${f.unanswerable}`.padStart(9)} ${COLUMNS.map(([k]) => `${f[k].toFixed(1)}`.padStart(8)).join(' ')}`;
  for (const r of rows) console.log(line(`${r.county.name}${r.county.fitted ? ' *' : ''}`, r.figures));
  const held = rows.filter((r) => !r.county.fitted);
  if (held.length) {
    const mean = Object.fromEntries(COLUMNS.map(([k]) => [k, held.reduce((s, r) => s + r.figures[k], 0) / held.length])) as unknown as CountyFigures;
    console.log(line('held-out mean', { ...mean, answerable: held.reduce((s, r) => s + r.figures.answerable, 0), unanswerable: held.reduce((s, r) => s + r.figures.unanswerable, 0) }));
  }
  console.log('* fitted: the lexicon and thresholds were tuned on these questions (not an honest figure).');
  console.log('targets (held out): top-1 >= 85, top-3 >= 95, right >= 85, wrong <= 5, escalated <= 8, to NAV <= 1, clarify <= 30, unans.ok >= 85');
}
