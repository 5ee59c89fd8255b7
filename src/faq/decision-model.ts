/**
 * The FAQ's decision — answer, «Mente du …?» or escalate — learned rather than hand-set.
 *
 * From one search, a handful of numbers that say how well the site met the question
 * (`decisionFeatures`); two logistic regressions turn them into probabilities:
 *   P1 = P(the top page answers the question)
 *   P3 = P(a page that answers it is among the first three pages)
 * and the decision follows from two cut-offs: P1 ≥ `answer` → a direct answer; else P3 ≥ `clarify`
 * → «Mente du …?» with the first three pages; else nothing is likely → the education team.
 *
 * The model is fitted by `npm run calibrate` (on the evaluation counties; `--from-usage` refits
 * the weights from a county's own «Nyttig» / «Ikke nyttig» and «Mente du …?» choices) and stored
 * as JSON (`decision-model.json`, or FAQ_DECISION_MODEL_FILE). The fitting is here too, in plain
 * TypeScript (Newton's method on L2-regularised log loss), so the bench, the CLI and the tests
 * use one implementation.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Hit, SearchResult } from './search-index.js';

export const DEFAULT_DECISION_MODEL_FILE = fileURLToPath(new URL('./decision-model.json', import.meta.url));

/** The decision's inputs, in the order the weights use them. A model with another list is refused. */
export const FEATURES = [
  'topPageCov', // share of the question the top hit's page covers
  'topSecCov', // share the top section alone covers
  'ratio2', // runner-up page's best score ÷ top score (0: none)
  'ratio3', // third page's best score ÷ top score
  'page2Cov', // runner-up page's coverage
  'page3Cov', // third page's coverage
  'unknownShare', // share of the question's concepts the site never uses
  'weakShare', // share met only weakly (compound parts, typo fixes)
  'splitShare', // share met only through a compound's parts
  'logConcepts', // log(1 + concepts): how long the question is
  'curated', // the top hit is a curated question
  'agree', // share of the five best-scoring sections that come from the top page (QueryFeatures.topShare)
  'nPages', // distinct pages among the hits
  'depth', // path segments of the top page (hub pages are shallow)
  'topEvidence', // the top page's page-level BM25F per unit of the question's IDF: how strongly it meets the question
  'topTitleCov', // share of the question the top page's title holds
  'topMatched', // share of the top page's sections that meet the question
  'topHeadCov', // share of the question the top section's heading holds (a heading is read as the question it answers)
] as const;

/** The first hit of each page, best first. */
export function distinctPages(hits: Hit[]): Hit[] {
  const seen = new Set<string>();
  return hits.filter((h) => (seen.has(h.doc.pageUrl) ? false : (seen.add(h.doc.pageUrl), true)));
}

function depthOf(url: string): number {
  try {
    return new URL(url).pathname.split('/').filter(Boolean).length;
  } catch {
    return url.split('/').filter(Boolean).length;
  }
}

/** The features of a search with at least one hit (8 hits is what the model was fitted on). */
export function decisionFeatures(r: SearchResult): number[] {
  const top = r.hits[0];
  if (!top) return FEATURES.map(() => 0);
  const pages = distinctPages(r.hits);
  const [, p2, p3] = pages;
  const ratio = (h: Hit | undefined): number => (h && top.score > 0 ? h.score / top.score : 0);
  return [
    top.pageCoverage,
    top.coverage,
    ratio(p2),
    ratio(p3),
    p2?.pageCoverage ?? 0,
    p3?.pageCoverage ?? 0,
    r.features.unknownShare,
    r.features.weakShare,
    r.features.splitShare,
    Math.log1p(r.features.concepts),
    top.doc.kind === 'curated' ? 1 : 0,
    r.features.topShare,
    pages.length,
    depthOf(top.doc.pageUrl),
    top.pageEvidence,
    top.titleCoverage,
    top.sectionsMatched,
    top.headingCoverage,
  ];
}

// ---------------------------------------------------------------------------------------------
// The model file
// ---------------------------------------------------------------------------------------------

const LogitSchema = z.object({
  /** Intercept first, then one weight per feature (on standardised features). */
  w: z.array(z.number().finite()),
  mean: z.array(z.number().finite()),
  sd: z.array(z.number().finite().positive()),
  lambda: z.number().nonnegative(),
});
export type Logit = z.infer<typeof LogitSchema>;

const Figures = z.record(z.string(), z.number());

const ModelSchema = z.object({
  features: z.array(z.string()),
  p1: LogitSchema,
  p3: LogitSchema,
  /** Cut-offs (probabilities, 0–1). */
  answer: z.number().min(0).max(1),
  clarify: z.number().min(0).max(1),
  /** A direct answer lists «Andre sider som kan passe» when the runner-up page scores at least this share of the top. */
  alternatives: z.number().min(0).max(1).default(0.85),
  fitted: z.object({
    at: z.string(),
    from: z.enum(['counties', 'usage']),
    /** Questions (rows) the weights were fitted on, and how many were labelled right. */
    rows: z.number().int().nonnegative(),
    counties: z.array(z.string()).optional(),
    /** Figures measured with the cut-offs (leave-one-county-out for counties), in %. */
    figures: Figures.optional(),
    note: z.string().optional(),
  }),
});
export type DecisionModel = z.infer<typeof ModelSchema>;

/** Reads and checks a model file; a file fitted on another feature list is refused. */
export function parseDecisionModel(raw: unknown, source = 'beslutningsmodellen'): DecisionModel {
  const parsed = ModelSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${source} er ugyldig: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const m = parsed.data;
  if (m.features.join(',') !== FEATURES.join(',')) {
    throw new Error(`${source} er laget for andre kjennetegn (${m.features.join(', ')}) enn denne versjonen av Veiviser (${FEATURES.join(', ')}). Kjør «npm run calibrate» på nytt.`);
  }
  for (const [name, l] of [['p1', m.p1], ['p3', m.p3]] as const) {
    if (l.w.length !== FEATURES.length + 1 || l.mean.length !== FEATURES.length || l.sd.length !== FEATURES.length) {
      throw new Error(`${source} er ugyldig: ${name} har feil antall vekter.`);
    }
  }
  return m;
}

export function loadDecisionModel(file: string = DEFAULT_DECISION_MODEL_FILE): DecisionModel {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Kan ikke lese beslutningsmodellen ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseDecisionModel(raw, `Beslutningsmodellen ${file}`);
}

// ---------------------------------------------------------------------------------------------
// Prediction and decision
// ---------------------------------------------------------------------------------------------

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * A feature in standard deviations from the fit's mean, held within ±3: a site far from the ones
 * the model was fitted on (a handful of pages, a question no other page touches) must not push a
 * probability to an extreme by extrapolating a weight.
 */
const standard = (v: number, mean: number, sd: number): number => Math.max(-3, Math.min(3, (v - mean) / sd));

export function predict(l: Logit, x: number[]): number {
  let z = l.w[0];
  for (let j = 0; j < x.length; j++) z += l.w[j + 1] * standard(x[j], l.mean[j], l.sd[j]);
  return sigmoid(z);
}

export type LearnedDecision = 'answer' | 'clarify' | 'escalate';

/** The pure rule on probabilities: what the cut-offs make of them. */
export function decideOn(p1: number, p3: number, model: Pick<DecisionModel, 'answer' | 'clarify'>): LearnedDecision {
  if (p1 >= model.answer) return 'answer';
  if (p3 >= model.clarify) return 'clarify';
  return 'escalate';
}

export interface DecisionOutcome {
  decision: LearnedDecision;
  /** «Mente du …?»: the first three pages (their best section each). */
  candidates: Hit[];
  /** A direct answer with a close runner-up: «Andre sider som kan passe» (up to two). */
  alternatives: Hit[];
  p1: number;
  p3: number;
  features: number[];
}

/**
 * Answer, clarify or escalate, from what the index found. A question that names a NAV benefit or
 * measure is answered from the county's pages only when they surely answer it (what the county
 * offers someone on AAP, say); otherwise it belongs to NAV (the caller turns the outcome into
 * 'nav' then).
 */
export function decide(result: SearchResult, model: DecisionModel): DecisionOutcome {
  if (result.hits.length === 0) return { decision: 'escalate', candidates: [], alternatives: [], p1: 0, p3: 0, features: FEATURES.map(() => 0) };
  const x = decisionFeatures(result);
  const p1 = predict(model.p1, x);
  const p3 = Math.max(p1, predict(model.p3, x));
  const decision = decideOn(p1, p3, model);
  const pages = distinctPages(result.hits);
  const top = pages[0];
  return {
    decision,
    candidates: decision === 'clarify' ? pages.slice(0, 3) : [],
    alternatives: decision === 'answer' ? pages.slice(1, 3).filter((h) => top.score > 0 && h.score >= model.alternatives * top.score) : [],
    p1,
    p3,
    features: x,
  };
}

/** What the tab's settings show of the model: when and from what it was fitted, its cut-offs and figures. */
export interface DecisionSummary {
  fittedAt: string;
  from: 'counties' | 'usage';
  rows: number;
  counties?: string[];
  answer: number;
  clarify: number;
  figures?: Record<string, number>;
  note?: string;
}

export function decisionSummary(m: DecisionModel): DecisionSummary {
  return { fittedAt: m.fitted.at, from: m.fitted.from, rows: m.fitted.rows, counties: m.fitted.counties, answer: m.answer, clarify: m.clarify, figures: m.fitted.figures, note: m.fitted.note };
}

// ---------------------------------------------------------------------------------------------
// Fitting
// ---------------------------------------------------------------------------------------------

/** One question as the fit sees it. */
export interface FitRow {
  x: number[];
  /** The top page was right / a right page was among the first three (undefined: not known). */
  y1?: 0 | 1;
  y3?: 0 | 1;
  /** The site can answer it (for the cut-offs' figures). */
  answerable: boolean;
  /** Sorted out before the model (always escalated): no hit at all, or a question about one bruker's own case. */
  gated?: 'nohit' | 'case';
  /** Names a NAV benefit or measure: answered from the county only when P1 reaches the answer cut-off, else sent to NAV. */
  navNamed?: boolean;
  /** Fold for cross-validation of the cut-offs (a county). */
  group?: string;
}

/** Solves A x = b (A symmetric positive definite) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    [M[k], M[p]] = [M[p], M[k]];
    for (let i = k + 1; i < n; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j <= n; j++) M[i][j] -= f * M[k][j];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

/** Minimises Σ log loss + λ/2 ‖w‖² (intercept not penalised) by Newton's method, ≤ 50 steps. */
function fitWith(X: number[][], y: number[], lambda: number): Logit {
  const d = X[0].length;
  const mean = Array.from({ length: d }, (_, j) => X.reduce((s, x) => s + x[j], 0) / X.length);
  const sd = mean.map((m, j) => Math.sqrt(X.reduce((s, x) => s + (x[j] - m) ** 2, 0) / X.length) || 1);
  const Z = X.map((x) => [1, ...x.map((v, j) => standard(v, mean[j], sd[j]))]);
  let w = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < 50; it++) {
    const g = w.map((wj, j) => (j === 0 ? 0 : lambda * wj));
    const H = Array.from({ length: d + 1 }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (i === j ? (i === 0 ? 1e-6 : lambda) : 0)));
    for (let n = 0; n < Z.length; n++) {
      const z = Z[n];
      const p = sigmoid(z.reduce((s, v, j) => s + v * w[j], 0));
      const r = Math.max(p * (1 - p), 1e-9);
      for (let i = 0; i <= d; i++) {
        g[i] += (p - y[n]) * z[i];
        for (let j = 0; j <= i; j++) H[i][j] += r * z[i] * z[j];
      }
    }
    for (let i = 0; i <= d; i++) for (let j = i + 1; j <= d; j++) H[i][j] = H[j][i];
    const step = solve(H, g);
    w = w.map((wj, j) => wj - step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { w, mean, sd, lambda };
}

const LAMBDAS = [0.1, 0.3, 1, 3, 10, 30, 100];
/** The log loss of one prediction (clamped so a certain wrong answer costs a large number, not infinity). */
export const logLoss = (p: number, y: number): number => -Math.log(Math.min(1 - 1e-12, Math.max(1e-12, y ? p : 1 - p)));

/** A logistic regression with λ chosen by 5-fold cross-validated log loss. */
export function fitLogit(X: number[][], y: number[]): Logit {
  if (X.length < 10 || !y.includes(0) || !y.includes(1)) throw new Error('For få eksempler, eller bare én sort, til å tilpasse modellen.');
  let best = LAMBDAS[0];
  let bestLoss = Infinity;
  for (const lambda of LAMBDAS) {
    let loss = 0;
    for (let f = 0; f < 5; f++) {
      const tr = X.map((_, i) => i).filter((i) => i % 5 !== f);
      const te = X.map((_, i) => i).filter((i) => i % 5 === f);
      const m = fitWith(tr.map((i) => X[i]), tr.map((i) => y[i]), lambda);
      for (const i of te) loss += logLoss(predict(m, X[i]), y[i]);
    }
    if (loss < bestLoss - 1e-9) {
      bestLoss = loss;
      best = lambda;
    }
  }
  return fitWith(X, y, best);
}

/** The two regressions on the rows the model sees (not gated) with a known label. */
export function fitWeights(rows: FitRow[]): { p1: Logit; p3: Logit } {
  const seen = rows.filter((r) => !r.gated);
  const r1 = seen.filter((r) => r.y1 !== undefined);
  const r3 = seen.filter((r) => r.y3 !== undefined);
  return { p1: fitLogit(r1.map((r) => r.x), r1.map((r) => r.y1!)), p3: fitLogit(r3.map((r) => r.x), r3.map((r) => r.y3!)) };
}

/** The figures the FAQ is judged by (% of answerable; unansweredOk: % of the others), for rows with both labels. */
export interface DecisionFigures {
  answeredRight: number;
  answeredWrong: number;
  escalated: number;
  clarified: number;
  toNav: number;
  unansweredOk: number;
}

export function figuresOf(rows: FitRow[], decisions: ('answer' | 'clarify' | 'escalate' | 'nav')[]): DecisionFigures {
  const pct = (n: number, d: number): number => (d ? (100 * n) / d : 0);
  const ans = rows.map((r, i) => ({ r, d: decisions[i] })).filter((x) => x.r.answerable);
  const un = rows.map((r, i) => ({ r, d: decisions[i] })).filter((x) => !x.r.answerable);
  const count = (f: (x: { r: FitRow; d: string }) => boolean): number => pct(ans.filter(f).length, ans.length);
  return {
    answeredRight: count((x) => (x.d === 'answer' && x.r.y1 === 1) || (x.d === 'clarify' && x.r.y3 === 1)),
    answeredWrong: count((x) => x.d === 'answer' && x.r.y1 !== 1),
    escalated: count((x) => x.d === 'escalate'),
    clarified: count((x) => x.d === 'clarify'),
    toNav: count((x) => x.d === 'nav'),
    unansweredOk: pct(un.filter((x) => x.d === 'escalate' || x.d === 'nav').length, un.length),
  };
}

/** What the cut-offs must keep (the product's promises) when they are chosen. */
export const LIMITS = { wrong: 5, clarify: 30, unansweredOk: 85 };

function decisionsFor(rows: FitRow[], probs: { p1: number; p3: number }[], a: number, c: number): ('answer' | 'clarify' | 'escalate' | 'nav')[] {
  return rows.map((r, i) => {
    if (r.gated) return 'escalate';
    const d = decideOn(probs[i].p1, probs[i].p3, { answer: a, clarify: c });
    return r.navNamed && d !== 'answer' ? 'nav' : d;
  });
}

/**
 * Cut-offs on a 0.01 grid: the most answered right while keeping wrong ≤ 5 %, «Mente du …?» ≤ 30 %
 * and unanswerable-not-answered ≥ 85 % (if nothing keeps all three: the least violation); ties go
 * to fewer escalated, then fewer wrong, then the higher answer cut-off.
 */
export function chooseCutoffs(rows: FitRow[], probs: { p1: number; p3: number }[]): { answer: number; clarify: number; feasible: boolean; figures: DecisionFigures } {
  let best: { answer: number; clarify: number; feasible: boolean; figures: DecisionFigures; key: number[] } | undefined;
  const greater = (x: number[], y: number[]): boolean => {
    for (let i = 0; i < x.length; i++) if (Math.abs(x[i] - y[i]) > 1e-9) return x[i] > y[i];
    return false;
  };
  for (let ai = 0; ai <= 100; ai++) {
    for (let ci = 0; ci <= 100; ci++) {
      const a = ai / 100;
      const c = ci / 100;
      const f = figuresOf(rows, decisionsFor(rows, probs, a, c));
      const violation = Math.max(0, f.answeredWrong - LIMITS.wrong) + Math.max(0, f.clarified - LIMITS.clarify) + Math.max(0, LIMITS.unansweredOk - f.unansweredOk);
      const key = [-violation, f.answeredRight, -f.escalated, -f.answeredWrong, a];
      if (!best || greater(key, best.key)) best = { answer: a, clarify: c, feasible: violation === 0, figures: f, key };
    }
  }
  const { key: _key, ...rest } = best!;
  return rest;
}

/** Probabilities of rows under weights (gated rows get 0). */
export function scoreRows(w: { p1: Logit; p3: Logit }, rows: FitRow[]): { p1: number; p3: number }[] {
  return rows.map((r) => {
    if (r.gated) return { p1: 0, p3: 0 };
    const p1 = predict(w.p1, r.x);
    return { p1, p3: Math.max(p1, predict(w.p3, r.x)) };
  });
}

/**
 * Out-of-fold probabilities: each group (county) scored by weights fitted on the others, so the
 * cut-offs chosen on them have seen what a new county does to the probabilities.
 */
export function outOfFold(rows: FitRow[]): { p1: number; p3: number }[] {
  const groups = [...new Set(rows.map((r) => r.group ?? ''))];
  const foldOf = groups.length >= 2 ? (r: FitRow, _i: number): string => r.group ?? '' : (_r: FitRow, i: number): string => String(i % 5);
  const folds = [...new Set(rows.map(foldOf))];
  const out: { p1: number; p3: number }[] = rows.map(() => ({ p1: 0, p3: 0 }));
  for (const f of folds) {
    const w = fitWeights(rows.filter((r, i) => foldOf(r, i) !== f));
    const idx = rows.map((_, i) => i).filter((i) => foldOf(rows[i], i) === f);
    const s = scoreRows(w, idx.map((i) => rows[i]));
    idx.forEach((i, k) => (out[i] = s[k]));
  }
  return out;
}

/** Weights on all rows, cut-offs on out-of-fold probabilities: the model `npm run calibrate` writes. */
export function fitDecisionModel(rows: FitRow[], fitted: Omit<DecisionModel['fitted'], 'rows' | 'figures'>, alternatives = 0.85): DecisionModel {
  const w = fitWeights(rows);
  const cut = chooseCutoffs(rows, outOfFold(rows));
  return {
    features: [...FEATURES],
    p1: w.p1,
    p3: w.p3,
    answer: cut.answer,
    clarify: cut.clarify,
    alternatives,
    fitted: { ...fitted, rows: rows.filter((r) => !r.gated).length, figures: { ...cut.figures } as unknown as Record<string, number> },
  };
}
