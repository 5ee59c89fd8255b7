/** npm run bench: prints quality, latency, memory and ingest figures (nothing here is a test); `growth` runs only when named. */
import { ingestBench } from './ingest.js';
import { latencyBench } from './latency.js';
import { askCounty, countyFigures, loadCountyData, locoBench, printCounties } from './counties.js';
import { printQuality, qualityBench } from './quality.js';

const only = process.argv[2];

if (!only || only === 'quality') {
  printQuality(await qualityBench());
  const data = await loadCountyData();
  printCounties(
    'FAQ quality, leave-one-county-out: the decision fitted on the other counties, measured on this one (same path as npm run ingest / npm run ask; % of answerable questions, last column % of the others)',
    locoBench(data),
  );
  printCounties(
    'For comparison, the shipped decision model (src/faq/decision-model.json, fitted on all of these counties: in-sample, not an honest figure)',
    data.map((d) => ({ county: d.county, figures: countyFigures(askCounty(d.county, d.crawled)) })),
  );
}

if (!only || only === 'latency') {
  console.log('\nAnswer latency, in-process (FaqService.ask: analysis, ranking, decision), eval questions x5');
  for (const r of await latencyBench()) {
    console.log(`  ${String(r.sections).padStart(6)} sections: build ${r.buildMs.toFixed(0)} ms, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, max ${r.max.toFixed(2)} ms` + (r.rssMb ? `, RSS ${r.rssMb.toFixed(0)} MB` : ''));
  }
  console.log('  target: p99 < 10 ms at 10,000 sections');
}

if (!only || only === 'ingest') {
  const r = await ingestBench();
  console.log(`\nIngest from a loopback server: ${r.fetched} pages fetched and extracted, ${r.pages} indexed, in ${r.seconds.toFixed(1)} s = ${r.pagesPerSecond.toFixed(0)} pages/s (concurrency 8, no delay)`);
  console.log('  target: >= 100 pages/s');
}

if (!only || only === 'load') {
  const { loadBench, printLoad } = await import('./load.js');
  printLoad(await loadBench());
}

if (only === 'growth') {
  const { growthBench } = await import('./growth.js');
  const scale = process.argv.find((a) => a.startsWith('--scale='));
  await growthBench({ direct: process.argv.includes('--direct'), scale: scale ? Number(scale.slice(8)) : 1, lowdbOnly: process.argv.includes('--lowdb-only'), rounds: Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3) });
}
