/**
 * Ingest throughput from a loopback server: the demo site's pages copied `copies` times under
 * /kopi-N/ with every third long word made unique per copy (so no copy is a near-duplicate of
 * another and all are indexed), in the demo site's full chrome, listed in a sitemap. Crawled
 * with concurrency 8 and no politeness delay.
 */
import { createServer } from 'node:http';
import { DEFAULT_PAGES_DIR, loadPages, renderPage, type Page } from '../src/demosite/server.js';
import { crawlSite } from '../src/faq/crawler.js';

function vary(html: string, n: number): string {
  let k = 0;
  return html.replace(/>([^<]+)</g, (_all, text: string) => `>${text.replace(/\p{L}{5,}/gu, (w) => ((k++ + n) % 3 === 0 ? `${w}${n}` : w))}<`);
}

export async function ingestBench(copies = 30): Promise<{ pages: number; seconds: number; pagesPerSecond: number; fetched: number }> {
  const base = loadPages(DEFAULT_PAGES_DIR).filter((p) => !p.path.startsWith('/intern/'));
  const pages = new Map<string, Page>();
  for (let n = 0; n < copies; n++) {
    for (const p of base) {
      const path = `/kopi-${n}${p.path}`;
      pages.set(path, { path, meta: { ...p.meta, title: `${p.meta.title} ${n}`, related: (p.meta.related ?? []).map((r) => `/kopi-${n}${r}`) }, body: vary(p.body, n) });
    }
  }
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host}`;
    const path = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
    if (path === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('User-agent: *\nDisallow: /utskrift/\nDisallow: /intern/\n');
      return;
    }
    if (path === '/sitemap.xml') {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${[...pages.keys()].map((p) => `<url><loc>${origin}${p}</loc></url>`).join('')}</urlset>`);
      return;
    }
    const page = pages.get(path);
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Fant ikke siden</title>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(renderPage(page, origin, pages));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/kopi-0/`;
  const t0 = performance.now();
  const r = await crawlSite({ startUrl: url, delayMs: 0, concurrency: 8, maxPages: 100_000 });
  const seconds = (performance.now() - t0) / 1000;
  await new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); });
  return { pages: r.report.pages, seconds, pagesPerSecond: r.report.fetched / seconds, fetched: r.report.fetched };
}
