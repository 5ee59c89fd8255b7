/**
 * Quality on the evaluation set (test/fixtures/eval/*.jsonl) for Veiviser's FAQ, and for a plain
 * baseline in the same run: MiniSearch with default settings over each page's whole text.
 */
import MiniSearch from 'minisearch';
import { loadDecisionModel } from '../src/faq/decision-model.js';
import { crawlDemo, demoFaq, figures, loadEvalSet, pathOf, type Outcome, type QualityFigures } from './eval-lib.js';

export async function qualityBench(): Promise<{ veiviser: QualityFigures; baseline: QualityFigures }> {
  const { pages, site } = await crawlDemo();
  const questions = loadEvalSet();
  const faq = demoFaq(pages, site, loadDecisionModel());
  const ours: Outcome[] = questions.map((q) => {
    const r = faq.ask(q.question);
    return { q, decision: r.decision, rankedPaths: r.hits.map((h) => pathOf(h.doc.pageUrl)) };
  });

  // Baseline: one document per page, default MiniSearch (no stemming, no synonyms), answer when
  // anything matches. It has no notion of "not found", so it answers whenever it has a hit.
  const ms = new MiniSearch<{ id: string; title: string; text: string }>({ fields: ['title', 'text'], storeFields: ['id'] });
  ms.addAll(pages.map((p) => ({ id: p.url, title: p.title, text: p.sections.map((s) => `${s.heading}\n${s.text}`).join('\n') })));
  const base: Outcome[] = questions.map((q) => {
    const hits = ms.search(q.question);
    return { q, decision: hits.length ? 'answer' : 'escalate', rankedPaths: hits.map((h) => pathOf(String(h.id))) };
  });
  return { veiviser: figures(ours), baseline: figures(base) };
}

export function printQuality(r: { veiviser: QualityFigures; baseline: QualityFigures }): void {
  const row = (name: string, f: QualityFigures) =>
    `${name.padEnd(24)} ${f.top1.toFixed(1).padStart(6)} % ${f.top3.toFixed(1).padStart(6)} % ${f.notAnsweredCorrectly.toFixed(1).padStart(8)} % ${f.wronglyEscalated.toFixed(1).padStart(8)} % ${f.navRecognised.toFixed(1).padStart(7)} % ${f.answeredRight.toFixed(1).padStart(8)} % ${f.answeredWrong.toFixed(1).padStart(8)} % ${f.clarified.toFixed(1).padStart(7)} %`;
  console.log(`\nThe demo county's own evaluation set (fitted: the lexicon and search were tuned on it): ${r.veiviser.answerable} answerable, ${r.veiviser.unanswerable} not answerable by the site or NAV's`);
  console.log(`${''.padEnd(24)}  top-1    top-3  unans.ok  wrongly-esc  nav-ok  direct-right  direct-wrong  clarified`);
  console.log(row('Veiviser', r.veiviser));
  console.log(row('MiniSearch baseline', r.baseline));
  console.log('targets: top-1 >= 85 %, top-3 >= 95 %, unanswerable correctly not answered >= 85 %');
}
