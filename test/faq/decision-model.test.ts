import assert from 'node:assert/strict';
import {
  chooseCutoffs, decide, decideOn, decisionFeatures, FEATURES, fitLogit, LIMITS, loadDecisionModel, parseDecisionModel, predict,
  type DecisionModel, type FitRow, type Logit,
} from '../../src/faq/decision-model.js';
import type { Hit, SearchResult, SectionDoc } from '../../src/faq/search-index.js';

const n = FEATURES.length;
const at = (name: (typeof FEATURES)[number]): number => FEATURES.indexOf(name);

/** A logit that depends on the named features only (standardised with mean 0, sd 1). */
function logit(bias: number, weights: Partial<Record<(typeof FEATURES)[number], number>>): Logit {
  const w = [bias, ...FEATURES.map((f) => weights[f] ?? 0)];
  return { w, mean: new Array(n).fill(0), sd: new Array(n).fill(1), lambda: 1 };
}

/** P1 rises with the top page's coverage and falls with a close runner-up; P3 rises with coverage only. */
const hand: DecisionModel = {
  features: [...FEATURES],
  p1: logit(-4, { topPageCov: 8, ratio2: -3 }),
  p3: logit(-3, { topPageCov: 6 }),
  answer: 0.7,
  clarify: 0.5,
  alternatives: 0.85,
  fitted: { at: '2026-01-01', from: 'counties', rows: 0 },
};

const page = (path: string, score: number, coverage: number, heading = path): Hit => ({
  doc: { id: `https://f.example${path}#a`, url: `https://f.example${path}#a`, pageUrl: `https://f.example${path}`, title: path, heading, text: 'Tekst.', kind: 'page' } as SectionDoc,
  score,
  coverage,
  pageCoverage: coverage,
  pageEvidence: 2 * coverage,
  titleCoverage: coverage / 2,
  sectionsMatched: 0.5,
  headingCoverage: coverage / 4,
});
const result = (hits: Hit[], unknownShare = 0, topShare = 0.5): SearchResult => ({ hits, features: { concepts: 3, unknown: 0, unknownShare, weakShare: unknownShare, splitShare: 0, topShare } });

describe('the learned decision on fixed inputs', () => {
  it('computes its features from a search: coverage, runner-up ratios, agreement, pages, depth', () => {
    const r = result([page('/a/b', 10, 0.9), page('/a/b', 9, 0.9), page('/c', 5, 0.5), page('/d/e/f', 2, 0.2)], 0.1);
    const x = decisionFeatures(r);
    assert.equal(x.length, n);
    assert.equal(x[at('topPageCov')], 0.9);
    assert.equal(x[at('ratio2')], 0.5);
    assert.equal(x[at('ratio3')], 0.2);
    assert.equal(x[at('page2Cov')], 0.5);
    assert.equal(x[at('agree')], 0.5, 'the search counted two of the best sections on the top page');
    assert.equal(x[at('topEvidence')], 1.8);
    assert.equal(x[at('topTitleCov')], 0.45);
    assert.equal(x[at('topHeadCov')], 0.225);
    assert.equal(x[at('topMatched')], 0.5);
    assert.equal(x[at('nPages')], 3);
    assert.equal(x[at('depth')], 2);
    assert.equal(x[at('unknownShare')], 0.1);
    assert.deepEqual(decisionFeatures(result([])), new Array(n).fill(0));
  });

  it('answers when the top page is likely right, asks «Mente du …?» when a right page is likely among three, else escalates', () => {
    assert.equal(decideOn(0.9, 0.95, hand), 'answer');
    assert.equal(decideOn(0.6, 0.8, hand), 'clarify');
    assert.equal(decideOn(0.2, 0.4, hand), 'escalate');
    assert.equal(decideOn(0.7, 0.7, hand), 'answer', 'the cut-off itself answers');
  });

  it('turns a clear search into an answer, a close race into «Mente du …?» with three pages, and a poor match into escalation', () => {
    const clear = decide(result([page('/a', 10, 1), page('/b', 3, 0.3), page('/c', 2, 0.2)]), hand);
    assert.equal(clear.decision, 'answer');
    assert.ok(clear.p1 > 0.9);
    assert.deepEqual(clear.alternatives, [], 'no close runner-up: no other pages listed');

    const race = decide(result([page('/a', 10, 0.85), page('/b', 9.9, 0.8), page('/c', 9.5, 0.8), page('/d', 9, 0.8)]), hand);
    assert.equal(race.decision, 'clarify');
    assert.deepEqual(race.candidates.map((h) => h.doc.pageUrl), ['https://f.example/a', 'https://f.example/b', 'https://f.example/c']);

    const poor = decide(result([page('/a', 2, 0.2)], 0.8), hand);
    assert.equal(poor.decision, 'escalate');
    assert.deepEqual(poor.candidates, []);
    assert.equal(decide(result([]), hand).decision, 'escalate');
  });

  it('lists «Andre sider som kan passe» with a direct answer whose runner-up scores close to it', () => {
    const close = decide(result([page('/a', 10, 1), page('/b', 9, 0.6), page('/c', 5, 0.5)]), { ...hand, p1: logit(-4, { topPageCov: 8 }) });
    assert.equal(close.decision, 'answer');
    assert.deepEqual(close.alternatives.map((h) => h.doc.pageUrl), ['https://f.example/b']);
  });

  it('P3 is never below P1 (a right top page is a right page among three)', () => {
    const m = { ...hand, p3: logit(-10, {}) };
    const d = decide(result([page('/a', 10, 1)]), m);
    assert.equal(d.p3, d.p1);
  });

  it('holds a feature far outside what it was fitted on to three standard deviations', () => {
    const l = logit(0, { nPages: 1 });
    assert.equal(predict(l, FEATURES.map((f) => (f === 'nPages' ? 1000 : 0))), predict(l, FEATURES.map((f) => (f === 'nPages' ? 3 : 0))));
  });
});

describe('the decision model file', () => {
  it('loads the shipped model, fitted on the evaluation counties, with its cut-offs and leave-one-county-out figures', () => {
    const m = loadDecisionModel();
    assert.deepEqual(m.features, [...FEATURES]);
    assert.ok(m.answer > 0 && m.answer <= 1 && m.clarify <= m.answer);
    assert.equal(m.fitted.from, 'counties');
    assert.ok((m.fitted.counties ?? []).length >= 3);
    assert.ok(typeof m.fitted.figures?.answeredRight === 'number');
    assert.ok((m.fitted.figures?.answeredWrong ?? 100) <= LIMITS.wrong + 1);
  });

  it('the shipped model is far surer of a full match than of a question the site does not know, and escalates the latter', () => {
    const m = loadDecisionModel();
    const spread = [page('/a/x', 10, 1), page('/b/y', 4, 0.4), page('/c/z', 3, 0.3), page('/d/w', 2, 0.3), page('/e/v', 2, 0.2), page('/f/u', 1, 0.2)];
    const full = decide(result(spread), m);
    assert.notEqual(full.decision, 'escalate');
    const unknown = [page('/a/x', 1, 0.15), page('/b/y', 0.9, 0.15), page('/c/z', 0.8, 0.1)];
    const poor = decide(result(unknown, 0.85), m);
    assert.equal(poor.decision, 'escalate');
    assert.ok(full.p1 > poor.p1 + 0.3 && full.p3 > poor.p3 + 0.3, `${full.p1} vs ${poor.p1}`);
  });

  it('refuses a file made for other features, or with the wrong number of weights, in Norwegian', () => {
    const good = JSON.parse(JSON.stringify(hand)) as DecisionModel;
    assert.throws(() => parseDecisionModel({ ...good, features: ['a', 'b'] }), /laget for andre kjennetegn.*npm run calibrate/);
    assert.throws(() => parseDecisionModel({ ...good, p1: { ...good.p1, w: [1, 2] } }), /feil antall vekter/);
    assert.throws(() => parseDecisionModel({ ...good, answer: 2 }), /ugyldig: answer/);
    assert.throws(() => parseDecisionModel('tull'), /ugyldig/);
    assert.equal(parseDecisionModel(good).answer, 0.7);
  });
});

describe('fitting the decision', () => {
  // Deterministic rows: the top page is right when its coverage is high.
  const rows: FitRow[] = Array.from({ length: 200 }, (_, i) => {
    const cov = (i % 100) / 100;
    const x = FEATURES.map((f, j) => (f === 'topPageCov' ? cov : ((i * (j + 3)) % 7) / 7));
    const right = cov > 0.45 ? 1 : 0;
    return { x, y1: right as 0 | 1, y3: (cov > 0.3 ? 1 : 0) as 0 | 1, answerable: cov >= 0.2, group: `c${i % 3}` };
  });

  it('learns which feature carries the signal', () => {
    const l = fitLogit(rows.map((r) => r.x), rows.map((r) => r.y1!));
    const w = l.w.slice(1);
    assert.equal(w.indexOf(Math.max(...w)), at('topPageCov'));
    assert.ok(predict(l, rows[90].x) > 0.9 && predict(l, rows[10].x) < 0.1);
  });

  it('refuses to fit on too few rows or one class', () => {
    assert.throws(() => fitLogit([[1], [2]], [0, 1]), /For få/);
    assert.throws(() => fitLogit(rows.map((r) => r.x), rows.map(() => 1)), /bare én sort/);
  });

  it('chooses cut-offs that keep wrong answers, «Mente du …?» and unanswered-unanswerable within their limits', () => {
    const probs = rows.map((r) => ({ p1: r.x[at('topPageCov')], p3: Math.min(1, r.x[at('topPageCov')] + 0.2) }));
    const cut = chooseCutoffs(rows, probs);
    assert.ok(cut.feasible);
    assert.ok(cut.figures.answeredWrong <= LIMITS.wrong);
    assert.ok(cut.figures.clarified <= LIMITS.clarify);
    assert.ok(cut.figures.unansweredOk >= LIMITS.unansweredOk);
  });
});
