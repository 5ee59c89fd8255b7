/**
 * Answer latency (in-process, one core) at 1,000 and 10,000 sections, on a synthetic corpus
 * made by varying the demo pages (each copy gets its own URL and a few words swapped so the
 * vocabulary grows like a real larger site), and resident memory at 10,000.
 */
import type { StoredPage } from '../src/faq/crawler.js';
import { FaqService, toDocs } from '../src/faq/faq-service.js';
import { loadDecisionModel } from '../src/faq/decision-model.js';
import { Analyzer, loadLexicon } from '../src/faq/text.js';
import { crawlDemo, loadEvalSet } from './eval-lib.js';

const FILLER = ['Nordfjord', 'Midtdalen', 'Sørkysten', 'kveldsklasse', 'nettundervisning', 'helsefag', 'elektrofag', 'byggfag', 'restaurantfag', 'barne- og ungdomsarbeiderfaget', 'logistikk', 'industriteknologi', 'salg', 'service', 'reiseliv', 'frisørfaget', 'tømrerfaget', 'rørleggerfaget', 'kokkfaget', 'ambulansefaget'];

export function syntheticPages(pages: StoredPage[], sections: number): StoredPage[] {
  const out: StoredPage[] = [];
  let count = 0;
  for (let copy = 0; count < sections; copy++) {
    for (const p of pages) {
      if (count >= sections) break;
      const word = `${FILLER[copy % FILLER.length]}${copy}`;
      const take = p.sections.slice(0, sections - count).map((s, i) => ({ ...s, anchor: s.anchor ? `${s.anchor}-${copy}` : undefined, text: `${s.text} Gjelder ${word} og ${FILLER[(copy + i) % FILLER.length]}.` }));
      count += take.length;
      out.push({ ...p, url: `${p.url}${p.url.endsWith('/') ? '' : '/'}kopi-${copy}`, title: `${p.title} (${word})`, sections: take });
    }
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function latencyBench(): Promise<{ sections: number; buildMs: number; p50: number; p99: number; max: number; rssMb?: number; heapMb?: number }[]> {
  const { pages } = await crawlDemo();
  const questions = loadEvalSet().map((q) => q.question);
  const analyzer = new Analyzer(loadLexicon());
  const results = [];
  for (const n of [1000, 10_000]) {
    const docs = toDocs(syntheticPages(pages, n));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const faq = new FaqService(analyzer, loadDecisionModel(), docs);
    const buildMs = performance.now() - t0;
    for (const q of questions) faq.ask(q); // warm-up
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const q of questions) {
        const s = performance.now();
        faq.ask(q);
        times.push(performance.now() - s);
      }
    }
    times.sort((a, b) => a - b);
    global.gc?.();
    const mem = process.memoryUsage();
    results.push({
      sections: faq.size, buildMs, p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1],
      rssMb: n === 10_000 ? mem.rss / 2 ** 20 : undefined,
      heapMb: n === 10_000 ? (mem.rss - rssBefore) / 2 ** 20 : undefined,
    });
  }
  return results;
}
