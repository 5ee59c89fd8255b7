/**
 * npm run calibrate: fits the FAQ's decision (src/faq/decision-model.ts) and writes it as JSON.
 *
 *   npm run calibrate                  fit on every county's questions (the demo county and the
 *                                      evaluation counties in test/fixtures/counties/): weights on
 *                                      all of them, cut-offs on out-of-fold probabilities by county.
 *                                      Prints the leave-one-county-out figures it is judged by, and
 *                                      writes them into the file's `fitted.figures`.
 *   npm run calibrate -- --from-usage  refit the weights from this county's own use: the numeric
 *                                      features stored with each question and the veiledere's
 *                                      «Nyttig» / «Ikke nyttig» and «Mente du …?» choices as labels
 *                                      (the store named by the app's configuration). Refuses to
 *                                      fit on too few labels. The cut-offs stay as fitted on the
 *                                      counties (see usageRows for why).
 *   --out FILE                         where to write (default: FAQ_DECISION_MODEL_FILE, else
 *                                      src/faq/decision-model.json); --dry-run writes nothing.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_DECISION_MODEL_FILE, loadDecisionModel, type DecisionModel } from '../src/faq/decision-model.js';
import { fitFromUsage } from '../src/faq/usage-fit.js';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/store/open.js';
import { loadCountyData, locoBench, fitOn, printCounties } from './counties.js';

const { values } = parseArgs({ options: { 'from-usage': { type: 'boolean' }, out: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
const out = values.out ?? process.env.FAQ_DECISION_MODEL_FILE ?? DEFAULT_DECISION_MODEL_FILE;

async function fromCounties(): Promise<DecisionModel> {
  const data = await loadCountyData();
  const loco = locoBench(data);
  const { all } = printCounties('Leave-one-county-out (the figures the model is judged by)', loco);
  const model = fitOn(data);
  model.fitted.figures = Object.fromEntries(Object.entries(all).filter(([k]) => !['answerable', 'unanswerable'].includes(k)).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  model.fitted.note = 'figures: leave-one-county-out means over the counties listed';
  console.log(`\nFitted on ${model.fitted.rows} questions from ${data.length} counties: answer when P1 >= ${model.answer.toFixed(2)}, «Mente du …?» when P3 >= ${model.clarify.toFixed(2)}`);
  return model;
}

async function fromUsage(): Promise<DecisionModel> {
  const config = loadConfig(process.env);
  const store = await openStore(config);
  try {
    const current = loadDecisionModel(config.decisionModelFile);
    const r = fitFromUsage(await store.listQuestions(), current, new Date());
    console.log(r.report);
    return r.model;
  } finally {
    await store.close();
  }
}

try {
  const model = values['from-usage'] ? await fromUsage() : await fromCounties();
  if (values['dry-run']) console.log('\n--dry-run: nothing written');
  else {
    writeFileSync(out, `${JSON.stringify(model, null, 2)}\n`);
    console.log(`\nWrote ${out}`);
  }
} catch (err) {
  console.error(`Kalibreringen stoppet: ${(err as Error).message}`);
  process.exitCode = 1;
}
