/**
 * FAQ quality per county, measured the way it is checked from outside: each county's site is
 * served on loopback, crawled, and its questions asked of the same FaqService the bot and
 * `npm run ask` use. The counties are the bundled demo county (its questions were written together
 * with its pages, and the lexicon and thresholds were tuned on them: its figures are *fitted*) and
 * every evaluation county in test/fixtures/counties/<name>/ (pages/, site.json, questions.jsonl):
 * sites written from public facts of other Norwegian counties, with questions written from a
 * veileder's situation by an author who had not seen the pages, and labelled against the pages
 * afterwards. Nothing here feeds the lexicon: their figures are *held out*.
 *
 * The headline is leave-one-county-out (LOCO): the decision is fitted on the other counties and
 * measured on the one left out, for every county in turn (`locoBench`). The same rows, from all
 * counties, are what `npm run calibrate` fits the shipped model on.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_CURATED_FILE } from '../src/app.js';
import { DEFAULT_PAGES_DIR, startDemoSite } from '../src/demosite/server.js';
import { crawlSite, type StoredPage } from '../src/faq/crawler.js';
import { FaqService, loadCurated, toDocs } from '../src/faq/faq-service.js';
import { decisionFeatures, distinctPages, fitDecisionModel, loadDecisionModel, type DecisionModel, type FitRow } from '../src/faq/decision-model.js';
import { SearchIndex } from '../src/faq/search-index.js';
import { Analyzer, isCaseQuestion, loadLexicon } from '../src/faq/text.js';
import { loadEvalSet, pathOf, type EvalQuestion } from './eval-lib.js';

export const COUNTIES_DIR = fileURLToPath(new URL('../test/fixtures/counties/', import.meta.url));

export interface County {
  name: string;
  pagesDir: string;
  questions: EvalQuestion[];
  curatedFile?: string;
  /** The lexicon and thresholds were tuned on this county's questions. */
  fitted: boolean;
  /**
   * What the county's questions have been used for: `fitted` (the demo county: search and lexicon
   * tuned on them), `development` (changes to the search were chosen while looking at them), or
   * `held-out` (only ever measured: never looked at question by question while developing).
   */
  role: 'fitted' | 'development' | 'held-out';
}

/**
 * Evaluation counties whose questions have been looked at while developing the search (through
 * `bench/dev-loop.ts`). Every other county under test/fixtures/counties/ is held out. A county
 * moves here, never back, once someone has studied its misses.
 */
export const DEVELOPMENT_COUNTIES = ['nordkyst', 'sorvik', 'vestfjella', 'sunnstrand', 'vidda'];

export function loadCounties(): County[] {
  const counties: County[] = [{ name: 'fjordvik (demo)', pagesDir: DEFAULT_PAGES_DIR, questions: loadEvalSet(), curatedFile: DEMO_CURATED_FILE, fitted: true, role: 'fitted' }];
  if (!existsSync(COUNTIES_DIR)) return counties;
  for (const name of readdirSync(COUNTIES_DIR).sort()) {
    const file = `${COUNTIES_DIR}${name}/questions.jsonl`;
    if (!existsSync(file)) continue;
    const questions = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as EvalQuestion);
    counties.push({ name, pagesDir: `${COUNTIES_DIR}${name}/pages`, questions, fitted: false, role: DEVELOPMENT_COUNTIES.includes(name) ? 'development' : 'held-out' });
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

export function askCounty(c: County, crawled: { pages: StoredPage[]; site: string }, model: DecisionModel = loadDecisionModel()): CountyOutcome[] {
  const faq = new FaqService(new Analyzer(loadLexicon()), model, toDocs(crawled.pages, c.curatedFile ? loadCurated(c.curatedFile) : [], crawled.site));
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

/** One row per question for the decision's fit: features of the real search, labels from `expected`. */
export function countyRows(c: County, crawled: { pages: StoredPage[]; site: string }): FitRow[] {
  const analyzer = new Analyzer(loadLexicon());
  const index = new SearchIndex(analyzer, toDocs(crawled.pages, c.curatedFile ? loadCurated(c.curatedFile) : [], crawled.site));
  return c.questions.map((q) => {
    const r = index.query(q.question, 8);
    const answerable = q.kind === 'answer';
    const pages = distinctPages(r.hits).slice(0, 3).map((h) => pathOf(h.doc.pageUrl));
    const gated = r.hits.length === 0 ? ('nohit' as const) : isCaseQuestion(q.question) ? ('case' as const) : undefined;
    return {
      x: decisionFeatures(r),
      y1: answerable && pages.length > 0 && q.expected.includes(pages[0]) ? 1 : 0,
      y3: answerable && pages.some((p) => q.expected.includes(p)) ? 1 : 0,
      answerable,
      gated,
      navNamed: analyzer.isNavQuestion(q.question),
      group: c.name,
    };
  });
}

export interface CountyData { county: County; crawled: { pages: StoredPage[]; site: string }; rows: FitRow[] }

export async function loadCountyData(): Promise<CountyData[]> {
  const out: CountyData[] = [];
  for (const county of loadCounties()) {
    const crawled = await crawlCounty(county);
    out.push({ county, crawled, rows: countyRows(county, crawled) });
  }
  return out;
}

/** The model `npm run calibrate` writes: weights on every county's questions, cut-offs out-of-fold by county. */
export function fitOn(data: CountyData[], at = new Date().toISOString().slice(0, 10)): DecisionModel {
  return fitDecisionModel(data.flatMap((d) => d.rows), { at, from: 'counties', counties: data.map((d) => d.county.name) });
}

/**
 * Leave-one-county-out: for each county, the decision fitted on all the others (weights and
 * cut-offs), then that county's questions asked through FaqService as the bot asks them.
 */
export function locoBench(data: CountyData[]): { county: County; figures: CountyFigures; model: DecisionModel; outcomes: CountyOutcome[] }[] {
  return data.map((d) => {
    const model = fitOn(data.filter((o) => o !== d));
    const outcomes = askCounty(d.county, d.crawled, model);
    return { county: d.county, model, figures: countyFigures(outcomes), outcomes };
  });
}

/**
 * How far a mean over counties could move by chance in which questions were written: 95 %
 * intervals from 1,000 bootstrap resamples of each county's questions (seeded, so a run repeats).
 * The counties themselves are not resampled, so this is the questions' noise only.
 */
export function bootstrapMean(rows: { outcomes: CountyOutcome[] }[], keys: (keyof CountyFigures)[], rounds = 1000): Record<string, [number, number]> {
  let seed = 0x9e3779b9;
  const rand = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const samples: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    const sums: Record<string, number> = {};
    for (const row of rows) {
      const n = row.outcomes.length;
      const f = countyFigures(Array.from({ length: n }, () => row.outcomes[Math.floor(rand() * n)]));
      for (const k of keys) sums[k] = (sums[k] ?? 0) + (f[k] as number) / rows.length;
    }
    for (const k of keys) samples[k].push(sums[k]);
  }
  return Object.fromEntries(keys.map((k) => {
    const xs = samples[k].sort((a, b) => a - b);
    return [k, [xs[Math.floor(0.025 * rounds)], xs[Math.ceil(0.975 * rounds) - 1]]];
  }));
}

const COLUMNS: [keyof CountyFigures, string][] = [
  ['top1', 'top-1'], ['top3', 'top-3'], ['answeredRight', 'right'], ['answeredWrong', 'wrong'], ['escalated', 'escal.'], ['toNav', 'to NAV'], ['clarified', 'clarify'], ['unansweredOk', 'unans.ok'],
];

function meanOf(rows: { figures: CountyFigures }[]): CountyFigures {
  const mean = Object.fromEntries(COLUMNS.map(([k]) => [k, rows.reduce((s, r) => s + r.figures[k], 0) / rows.length])) as unknown as CountyFigures;
  return { ...mean, answerable: rows.reduce((s, r) => s + r.figures.answerable, 0), unanswerable: rows.reduce((s, r) => s + r.figures.unanswerable, 0) };
}

/**
 * Prints a table of per-county figures with the means; returns the means (all counties, the ones
 * whose search was not tuned on them, and the held-out ones).
 */
export function printCounties(title: string, rows: { county: County; figures: CountyFigures; outcomes?: CountyOutcome[] }[], notes: string[] = []): { all: CountyFigures; unseen?: CountyFigures; heldOut?: CountyFigures } {
  console.log(`\n${title}`);
  console.log(`${'county'.padEnd(26)} ${'ans/other'.padStart(9)} ${COLUMNS.map(([, h]) => h.padStart(8)).join(' ')}`);
  const line = (name: string, f: CountyFigures) => `${name.padEnd(26)} ${`${f.answerable}/${f.unanswerable}`.padStart(9)} ${COLUMNS.map(([k]) => `${f[k].toFixed(1)}`.padStart(8)).join(' ')}`;
  const mark = { fitted: ' *', development: ' (dev)', 'held-out': '' } as const;
  for (const r of rows) console.log(line(`${r.county.name}${mark[r.county.role]}`, r.figures));
  const all = meanOf(rows);
  console.log(line('mean, all counties', all));
  const evaluation = rows.filter((r) => !r.county.fitted);
  const unseen = evaluation.length && evaluation.length < rows.length ? meanOf(evaluation) : undefined;
  if (unseen) console.log(line('mean, counties without *', unseen));
  const held = rows.filter((r) => r.county.role === 'held-out');
  const heldOut = held.length ? meanOf(held) : undefined;
  if (heldOut && held.length < evaluation.length) console.log(line('mean, held-out counties', heldOut));
  const interval = (label: string, group: typeof rows): void => {
    if (!group.length || !group.every((r) => r.outcomes)) return;
    const ci = bootstrapMean(group as { outcomes: CountyOutcome[] }[], COLUMNS.map(([k]) => k));
    console.log(`${label.padEnd(26)} ${''.padStart(9)} ${COLUMNS.map(([k]) => `${ci[k][0].toFixed(0)}–${ci[k][1].toFixed(0)}`.padStart(8)).join(' ')}`);
  };
  if (unseen) interval('  95 %, evaluation mean', evaluation);
  if (heldOut && held.length < evaluation.length) interval('  95 %, held-out mean', held);
  console.log('* search and lexicon tuned on its questions (its decision is still fitted without it); (dev) its questions were looked at while developing; others held out');
  for (const n of notes) console.log(n);
  console.log('targets (leave-one-county-out): top-1 >= 85, top-3 >= 95, right >= 85, wrong <= 5, escalated <= 8, to NAV <= 1, clarify <= 30, unans.ok >= 85');
  return { all, unseen, heldOut };
}
