/**
 * One ingest run: crawl the site with what the store already knows, write the changes in one
 * durable write, and return the report. Used by `npm run ingest`, by `npm start` when the index
 * is empty, and by the scheduled re-crawl.
 */
import { crawlSite, type CrawlOptions, type CrawlResult } from './crawler.js';
import type { Store } from '../store/store.js';

export async function ingestSite(store: Store, opts: Omit<CrawlOptions, 'known'>): Promise<CrawlResult> {
  const known = await store.listPages();
  const result = await crawlSite({ ...opts, known });
  const upserted = result.pages.filter((p) => result.upserted.includes(p.url));
  await store.applyCrawl({ upserted, removed: result.removed, report: result.report });
  return result;
}

/** A human summary of a crawl report (Norwegian, for the command line and logs). */
export function formatReport(r: CrawlResult['report']): string {
  const lines = [
    `Ferdig på ${(r.durationMs / 1000).toFixed(1)} s: ${r.pages} sider, ${r.sections} avsnitt i indeksen.`,
    `  hentet ${r.fetched}, nye ${r.new}, endret ${r.changed}, uendret ${r.unchanged}, fjernet ${r.removed}, feilet ${r.failed.length}, hoppet over ${r.skipped.length}`,
  ];
  for (const f of r.failed) lines.push(`  FEIL    ${f.url}: ${f.reason}`);
  for (const s of r.skipped) lines.push(`  hoppet  ${s.url}: ${s.reason}`);
  return lines.join('\n');
}
