/**
 * Development loop for the FAQ's ranking and decision on the development counties only (the demo
 * county Fjordvik and DEVELOPMENT_COUNTIES): the held-out counties are never crawled, asked or
 * printed. Prints top-1/top-3 per county and the decision's figures leave-one-county-out among
 * the development counties (fitted on the others, measured on the one left out), and their mean.
 *
 *   npx tsx bench/dev-loop.ts [--fail <county>] [--json out.json]   (ESC=<county>: decisions by where the right page is)
 *
 * The crawl is cached in /tmp (the pages do not change between runs; delete the file if they do).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { askCounty, countyFigures, countyRows, crawlCounty, DEVELOPMENT_COUNTIES, loadCounties, type County } from './counties.js';
import { chooseCutoffs, fitDecisionModel, logLoss, scoreRows, type FitRow } from '../src/faq/decision-model.js';
import type { StoredPage } from '../src/faq/crawler.js';

const DEV = ['fjordvik (demo)', ...DEVELOPMENT_COUNTIES];
const { values } = parseArgs({ options: { fail: { type: 'string' }, json: { type: 'string' } } });

async function crawled(c: County): Promise<{ pages: StoredPage[]; site: string }> {
  const file = `/tmp/veiviser-dev-${c.name.replace(/\W+/g, '_')}.json`;
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { pages: StoredPage[]; site: string };
  const r = await crawlCounty(c);
  writeFileSync(file, JSON.stringify(r));
  return r;
}

const counties = loadCounties().filter((c) => DEV.includes(c.name));
const data = [];
for (const county of counties) {
  const cr = await crawled(county);
  data.push({ county, crawled: cr, rows: countyRows(county, cr) });
}
const out: Record<string, unknown> = {};
const sums: Record<string, number> = {};
for (const d of data) {
  const model = fitDecisionModel(data.filter((o) => o !== d).flatMap((o) => o.rows), { at: 'dev', from: 'counties' });
  const outcomes = askCounty(d.county, d.crawled, model);
  const f = countyFigures(outcomes);
  out[d.county.name] = f;
  for (const [k, v] of Object.entries(f)) sums[k] = (sums[k] ?? 0) + v / data.length;
  console.log(`${d.county.name.padEnd(18)} top1 ${f.top1.toFixed(1)} top3 ${f.top3.toFixed(1)} right ${f.answeredRight.toFixed(1)} wrong ${f.answeredWrong.toFixed(1)} esc ${f.escalated.toFixed(1)} nav ${f.toNav.toFixed(1)} clar ${f.clarified.toFixed(1)} unok ${f.unansweredOk.toFixed(1)}`);
  const probs = scoreRows(model, d.rows);
  const o = chooseCutoffs(d.rows, probs).figures;
  const auc = (k: 'p1' | 'p3', y: (r: FitRow) => number): number => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < d.rows.length; i++) {
      if (!y(d.rows[i])) continue;
      for (let j = 0; j < d.rows.length; j++) {
        if (y(d.rows[j])) continue;
        den++;
        num += probs[i][k] > probs[j][k] ? 1 : probs[i][k] === probs[j][k] ? 0.5 : 0;
      }
    }
    return num / den;
  };
  const ll = (k: 'p1' | 'p3', y: (r: FitRow) => number): number => d.rows.reduce((a, r, i) => a + logLoss(probs[i][k], y(r)), 0) / d.rows.length;
  console.log(`${''.padEnd(18)} logloss1 ${ll('p1', (r) => r.y1 ?? 0).toFixed(3)} logloss3 ${ll('p3', (r) => r.y3 ?? 0).toFixed(3)}`);
  console.log(`${''.padEnd(18)} auc1 ${auc('p1', (r) => r.y1 ?? 0).toFixed(3)} auc3 ${auc('p3', (r) => r.y3 ?? 0).toFixed(3)}; cut-offs chosen on this county: right ${o.answeredRight.toFixed(1)} wrong ${o.answeredWrong.toFixed(1)} esc ${o.escalated.toFixed(1)} clar ${o.clarified.toFixed(1)} unok ${o.unansweredOk.toFixed(1)}`);
  if (process.env.ESC && d.county.name.startsWith(process.env.ESC)) {
    const faqRows = d.rows;
    const counts: Record<string, number> = {};
    outcomes.forEach((o, i) => {
      if (o.q.kind !== 'answer') return;
      const r = o.ranked.findIndex((p) => o.q.expected.includes(p));
      const k = `${r === 0 ? 'top1' : r > 0 && r < 3 ? 'top3' : 'miss'}-${o.decision}`;
      counts[k] = (counts[k] ?? 0) + 1;
      void faqRows[i];
    });
    console.log(`  model answer >= ${model.answer} clarify >= ${model.clarify}`, JSON.stringify(counts));
  }
  if (values.fail && d.county.name.startsWith(values.fail)) {
    for (const o of outcomes) {
      if (o.q.kind !== 'answer') {
        if (o.decision === 'answer' || o.decision === 'clarify') console.log(`  UNANS ${o.decision} ${o.q.question} -> ${o.ranked[0] ?? '-'}`);
        continue;
      }
      const r = o.ranked.findIndex((p) => o.q.expected.includes(p));
      if (r !== 0) console.log(`  ${r < 0 ? 'MISS' : `@${r + 1}`} [${o.decision}] ${o.q.question}\n      want ${o.q.expected.join(' ')}\n      got  ${o.ranked.slice(0, 3).join(' ')}`);
    }
  }
}
console.log(`${'mean'.padEnd(18)} top1 ${sums.top1.toFixed(1)} top3 ${sums.top3.toFixed(1)} right ${sums.answeredRight.toFixed(1)} wrong ${sums.answeredWrong.toFixed(1)} esc ${sums.escalated.toFixed(1)} nav ${sums.toNav.toFixed(1)} clar ${sums.clarified.toFixed(1)} unok ${sums.unansweredOk.toFixed(1)}`);
if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 2));
