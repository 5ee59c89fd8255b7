/**
 * Refitting the decision from a county's own use (`npm run calibrate -- --from-usage`).
 *
 * Every question record keeps the decision's numeric features (never the text of an answered
 * question). The veiledere's actions are the labels:
 *   - «Nyttig» on a direct answer: the top page was right (P1 = 1, P3 = 1);
 *   - «Ikke nyttig» on a direct answer: the top page was not (P1 = 0; P3 unknown);
 *   - a «Mente du …?» candidate chosen: a right page was among the three (P3 = 1), first or not (P1);
 *   - «Ingen av disse»: none of the three was right (P1 = 0, P3 = 0).
 *
 * Labels exist only where Veiviser answered or asked, never where it escalated, so the cut-offs
 * cannot be re-chosen from them without bias: the refit changes the weights and keeps the
 * cut-offs fitted on the evaluation counties. It refuses to fit on too few labels, and it writes
 * a model only if the new weights predict held-out usage labels better than the current ones do
 * (5-fold cross-validated log loss) — a refit that does not help is not an improvement.
 */
import type { QuestionRecord } from '../store/store.js';
import { FEATURES, fitLogit, logLoss, predict, type DecisionModel, type FitRow } from './decision-model.js';

/** The least a refit needs: labelled questions in all, and of each class for each model. */
export const USAGE_MINIMUM = { labelled: 150, perClass: 25 };

export function usageRows(questions: QuestionRecord[]): FitRow[] {
  const rows: FitRow[] = [];
  for (const q of questions) {
    if (!q.decision || q.decision.features.length !== FEATURES.length) continue;
    if (q.outcome === 'answer' && q.feedback) {
      rows.push({ x: q.decision.features, y1: q.feedback.helpful ? 1 : 0, y3: q.feedback.helpful ? 1 : undefined, answerable: true });
    } else if (q.outcome === 'clarify' && q.choice) {
      rows.push({ x: q.decision.features, y1: q.choice.rank === 0 ? 1 : 0, y3: q.choice.rank >= 0 ? 1 : 0, answerable: true });
    }
  }
  return rows;
}


/** Mean held-out log loss of refitted weights (5 folds) against the current model's, for one label. */
function compare(rows: FitRow[], label: 'y1' | 'y3', current: DecisionModel): { before: number; after: number; n: number } {
  const r = rows.filter((x) => x[label] !== undefined);
  let before = 0;
  let after = 0;
  for (let f = 0; f < 5; f++) {
    const train = r.filter((_, i) => i % 5 !== f);
    const test = r.filter((_, i) => i % 5 === f);
    const m = fitLogit(train.map((x) => x.x), train.map((x) => x[label]!));
    for (const t of test) {
      after += logLoss(predict(m, t.x), t[label]!);
      before += logLoss(predict(label === 'y1' ? current.p1 : current.p3, t.x), t[label]!);
    }
  }
  return { before: before / r.length, after: after / r.length, n: r.length };
}

export function fitFromUsage(questions: QuestionRecord[], current: DecisionModel, now: Date, minimum = USAGE_MINIMUM): { model: DecisionModel; report: string } {
  const rows = usageRows(questions);
  const count = (label: 'y1' | 'y3', y: 0 | 1): number => rows.filter((r) => r[label] === y).length;
  const counts = { p1: [count('y1', 1), count('y1', 0)], p3: [count('y3', 1), count('y3', 0)] };
  const short = rows.length < minimum.labelled || [...counts.p1, ...counts.p3].some((n) => n < minimum.perClass);
  if (short) {
    throw new Error(
      `For få tilbakemeldinger til å tilpasse beslutningen: ${rows.length} spørsmål med tilbakemelding ` +
        `(riktig/feil øverste side: ${counts.p1.join('/')}, riktig side blant tre: ${counts.p3.join('/')}); ` +
        `det trengs minst ${minimum.labelled} i alt og ${minimum.perClass} av hver sort. Modellen er ikke endret.`,
    );
  }
  const c1 = compare(rows, 'y1', current);
  const c3 = compare(rows, 'y3', current);
  const report = [
    `${rows.length} spørsmål med tilbakemelding (riktig/feil øverste side ${counts.p1.join('/')}, riktig side blant tre ${counts.p3.join('/')}).`,
    `Logtap på holdt-ut tilbakemeldinger (5 deler), nå → tilpasset: P1 ${c1.before.toFixed(3)} → ${c1.after.toFixed(3)}, P3 ${c3.before.toFixed(3)} → ${c3.after.toFixed(3)}.`,
  ].join('\n');
  if (c1.after >= c1.before && c3.after >= c3.before) {
    throw new Error(`${report}\nDe nye vektene forutsier ikke bedre enn de gjeldende, så modellen er ikke endret.`);
  }
  const fit = (label: 'y1' | 'y3') => {
    const r = rows.filter((x) => x[label] !== undefined);
    return fitLogit(r.map((x) => x.x), r.map((x) => x[label]!));
  };
  const model: DecisionModel = {
    ...current,
    // Only the weights that predict better are replaced.
    p1: c1.after < c1.before ? fit('y1') : current.p1,
    p3: c3.after < c3.before ? fit('y3') : current.p3,
    fitted: {
      at: now.toISOString().slice(0, 10),
      from: 'usage',
      rows: rows.length,
      figures: { logLossP1Before: round(c1.before), logLossP1After: round(c1.after), logLossP3Before: round(c3.before), logLossP3After: round(c3.after) },
      note: `cut-offs kept from the counties' fit of ${current.fitted.at}`,
    },
  };
  return { model, report };
}

const round = (v: number): number => Math.round(v * 1000) / 1000;
