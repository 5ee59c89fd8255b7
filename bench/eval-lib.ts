/**
 * Shared by the quality benchmark and the decision's calibration: loads the evaluation set and
 * the demo site's index, and scores decisions and rankings.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEMO_CURATED_FILE } from '../src/app.js';
import { startDemoSite } from '../src/demosite/server.js';
import { crawlSite, type StoredPage } from '../src/faq/crawler.js';
import { FaqService, loadCurated, toDocs } from '../src/faq/faq-service.js';
import type { DecisionModel } from '../src/faq/decision-model.js';
import { Analyzer, loadLexicon } from '../src/faq/text.js';

export interface EvalQuestion { question: string; expected: string[]; kind: 'answer' | 'nav' | 'unanswerable' }

export const EVAL_DIR = fileURLToPath(new URL('../test/fixtures/eval/', import.meta.url));

export function loadEvalSet(dir = EVAL_DIR): EvalQuestion[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(`${dir}${f}`, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as EvalQuestion),
    );
}

/** Crawls the bundled demo site once (loopback, no delay) and returns its pages and origin. */
export async function crawlDemo(): Promise<{ pages: StoredPage[]; site: string }> {
  const demo = await startDemoSite(0);
  try {
    const r = await crawlSite({ startUrl: demo.url, delayMs: 0 });
    return { pages: r.pages, site: demo.url };
  } finally {
    await demo.close();
  }
}

export function demoFaq(pages: StoredPage[], site: string, model: DecisionModel): FaqService {
  return new FaqService(new Analyzer(loadLexicon()), model, toDocs(pages, loadCurated(DEMO_CURATED_FILE), site));
}

export interface Outcome { q: EvalQuestion; decision: string; rankedPaths: string[] }

export interface QualityFigures {
  answerable: number;
  unanswerable: number;
  top1: number;
  top3: number;
  notAnsweredCorrectly: number;
  wronglyEscalated: number;
  navRecognised: number;
  answeredRight: number;
  /** Answerable questions answered directly with a wrong page (a confident wrong answer). */
  answeredWrong: number;
  /** Answerable questions that got "Mente du …?". */
  clarified: number;
}

const pct = (n: number, d: number): number => (d ? (100 * n) / d : 0);

export function figures(outcomes: Outcome[]): QualityFigures {
  const ans = outcomes.filter((o) => o.q.kind === 'answer');
  const un = outcomes.filter((o) => o.q.kind !== 'answer');
  const nav = outcomes.filter((o) => o.q.kind === 'nav');
  const hit = (o: Outcome, k: number): boolean => o.rankedPaths.slice(0, k).some((p) => o.q.expected.includes(p));
  return {
    answerable: ans.length,
    unanswerable: un.length,
    top1: pct(ans.filter((o) => hit(o, 1)).length, ans.length),
    top3: pct(ans.filter((o) => hit(o, 3)).length, ans.length),
    notAnsweredCorrectly: pct(un.filter((o) => o.decision === 'escalate' || o.decision === 'nav').length, un.length),
    wronglyEscalated: pct(ans.filter((o) => o.decision === 'escalate' || o.decision === 'nav').length, ans.length),
    navRecognised: pct(nav.filter((o) => o.decision === 'nav').length, nav.length),
    answeredRight: pct(ans.filter((o) => o.decision === 'answer' && hit(o, 1)).length, ans.length),
    answeredWrong: pct(ans.filter((o) => o.decision === 'answer' && !hit(o, 1)).length, ans.length),
    clarified: pct(ans.filter((o) => o.decision === 'clarify').length, ans.length),
  };
}

export function pathOf(url: string): string {
  return new URL(url).pathname;
}
