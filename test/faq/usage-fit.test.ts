import assert from 'node:assert/strict';
import { FEATURES, loadDecisionModel, predict } from '../../src/faq/decision-model.js';
import { fitFromUsage, usageRows, USAGE_MINIMUM } from '../../src/faq/usage-fit.js';
import type { QuestionRecord } from '../../src/store/store.js';

const cov = FEATURES.indexOf('topSecCov');
/** A county whose veiledere find answers right exactly when the top section covers most of the question. */
function records(count: number): QuestionRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const features = FEATURES.map((_, j) => ((i * (j + 5)) % 11) / 11);
    features[cov] = (i % 50) / 50;
    const right = features[cov] > 0.5;
    const base: QuestionRecord = { id: `q${i}`, at: '2026-11-01T10:00:00.000Z', userHash: 'h', conversationType: 'personal', outcome: i % 3 === 0 ? 'clarify' : 'answer', decision: { p1: 0.5, p3: 0.6, features } };
    return base.outcome === 'answer'
      ? { ...base, feedback: { helpful: right, at: base.at } }
      : { ...base, choice: { rank: right ? 0 : features[cov] > 0.3 ? 2 : -1, at: base.at } };
  });
}

describe('refitting the decision from a county\'s own feedback', () => {
  it('turns «Nyttig» / «Ikke nyttig» and «Mente du …?» choices into labels, and skips questions without them', () => {
    const rows = usageRows([
      { id: 'a', at: '', userHash: 'h', conversationType: 'personal', outcome: 'answer', decision: { p1: 0.8, p3: 0.9, features: FEATURES.map(() => 0.5) }, feedback: { helpful: true, at: '' } },
      { id: 'b', at: '', userHash: 'h', conversationType: 'personal', outcome: 'answer', decision: { p1: 0.8, p3: 0.9, features: FEATURES.map(() => 0.5) }, feedback: { helpful: false, at: '' } },
      { id: 'c', at: '', userHash: 'h', conversationType: 'personal', outcome: 'clarify', decision: { p1: 0.4, p3: 0.8, features: FEATURES.map(() => 0.5) }, choice: { rank: 2, at: '' } },
      { id: 'd', at: '', userHash: 'h', conversationType: 'personal', outcome: 'clarify', decision: { p1: 0.4, p3: 0.8, features: FEATURES.map(() => 0.5) }, choice: { rank: -1, at: '' } },
      { id: 'e', at: '', userHash: 'h', conversationType: 'personal', outcome: 'answer', decision: { p1: 0.8, p3: 0.9, features: FEATURES.map(() => 0.5) } },
      { id: 'f', at: '', userHash: 'h', conversationType: 'personal', outcome: 'answer', feedback: { helpful: true, at: '' } },
    ]);
    assert.deepEqual(rows.map((r) => [r.y1, r.y3]), [[1, 1], [0, undefined], [0, 1], [0, 0]]);
  });

  it('refuses to fit on too few labels, and says how many there are and how many it needs', () => {
    assert.throws(() => fitFromUsage(records(40), loadDecisionModel(), new Date()), new RegExp(`For få tilbakemeldinger.*40 spørsmål.*minst ${USAGE_MINIMUM.labelled}.*ikke endret`));
  });

  it('with enough labels, refits the weights that predict the county\'s own feedback better, keeping the cut-offs', () => {
    const current = loadDecisionModel();
    const { model, report } = fitFromUsage(records(600), current, new Date('2027-02-01T12:00:00Z'));
    assert.equal(model.fitted.from, 'usage');
    assert.equal(model.fitted.at, '2027-02-01');
    assert.equal(model.fitted.rows, 600);
    assert.equal(model.answer, current.answer);
    assert.equal(model.clarify, current.clarify);
    assert.ok(model.fitted.figures!.logLossP1After < model.fitted.figures!.logLossP1Before, report);
    const high = FEATURES.map(() => 0.5);
    high[cov] = 0.9;
    const low = [...high];
    low[cov] = 0.1;
    assert.ok(predict(model.p1, high) > 0.8 && predict(model.p1, low) < 0.2, 'the refit follows what the veiledere said');
    assert.match(report, /Logtap på holdt-ut tilbakemeldinger/);
  });
});
