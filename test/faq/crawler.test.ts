import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PAGES_DIR, loadPages, startDemoSite, type DemoSite } from '../../src/demosite/server.js';
import { crawlSite, type CrawlResult } from '../../src/faq/crawler.js';

const path = (u: string): string => new URL(u).pathname + new URL(u).search;

describe('crawler against the demo county site on loopback', function () {
  this.timeout(60_000);
  let dir: string;
  let site: DemoSite;
  let first: CrawlResult;
  const contentPages = loadPages(DEFAULT_PAGES_DIR).filter((p) => !p.path.startsWith('/intern/'));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veiviser-site-'));
    cpSync(DEFAULT_PAGES_DIR, dir, { recursive: true });
    site = await startDemoSite(0, { pagesDir: dir });
    first = await crawlSite({ startUrl: site.url, delayMs: 0 });
  });
  after(async () => {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes every content page once, found through the sitemap index and links', () => {
    assert.equal(site.requests.get('200 /sitemap.xml'), 1);
    assert.equal(site.requests.get('200 /sitemap-1.xml'), 1);
    assert.equal(site.requests.get('200 /sitemap-2.xml'), 1);
    assert.deepEqual(first.pages.map((p) => path(p.url)).sort(), contentPages.map((p) => p.path).sort());
    assert.equal(first.report.new, contentPages.length);
    assert.equal(first.report.failed.length, 0);
  });

  it('obeys robots.txt: the internal page is never requested', () => {
    assert.ok(![...site.requests.keys()].some((k) => k.endsWith('/intern/rutiner')));
    assert.ok(first.report.skipped.some((s) => s.url.endsWith('/intern/rutiner') && s.reason === 'robots.txt'));
    const all = first.pages.flatMap((p) => p.sections.map((s) => s.text)).join('\n');
    assert.ok(!all.includes('internrutine-kodeord'));
  });

  it('follows redirects and rel=canonical, and skips print versions as near-duplicates', () => {
    assert.ok(site.requests.get('301 /gammel/realkompetanse'));
    assert.equal(first.pages.filter((p) => path(p.url) === '/voksne/realkompetansevurdering').length, 1);
    assert.ok(first.report.skipped.some((s) => s.url.includes('utm_source') && s.reason.startsWith('kanonisk adresse')));
    const printSkips = first.report.skipped.filter((s) => s.url.includes('/utskrift/') && s.reason.startsWith('nesten lik'));
    assert.ok(printSkips.length >= contentPages.length - 1, `print versions skipped: ${printSkips.length}`);
    assert.ok(!first.pages.some((p) => p.url.includes('/utskrift/')));
  });

  it('keeps the real content and drops menus, cookie banner, breadcrumbs, related links, feedback box and footer', () => {
    const all = first.pages.flatMap((p) => p.sections.flatMap((s) => [s.heading, s.text])).join('\n');
    for (const chrome of ['informasjonskapsler (cookies) for at nettstedet', 'Godta alle', 'Hopp til hovedinnhold', 'Relatert innhold', 'Fant du det du lette etter', 'Del på Facebook', 'Org.nr.', 'Søk på nettstedet', 'Skrevet ut fra', 'Forsiden']) {
      assert.ok(!all.includes(chrome), `boilerplate indexed: ${chrome}`);
    }
    const privatist = first.pages.find((p) => path(p.url) === '/eksamen/privatist');
    assert.ok(privatist);
    assert.ok(privatist.sections.length >= 4);
    assert.ok(privatist.sections.some((s) => s.anchor === 'oppmelding-og-frister'));
    assert.ok(privatist.sections.every((s) => s.text.length > 0));
    assert.match(privatist.updated ?? '', /^20\d\d-\d\d-\d\dT/);
  });

  it('keeps sections without anchors where the page has no heading ids', () => {
    const klage = first.pages.find((p) => path(p.url) === '/eksamen/klage');
    assert.ok(klage);
    assert.ok(klage.sections.length >= 3);
    assert.ok(klage.sections.slice(1).every((s) => s.anchor === undefined));
  });

  it('re-crawls incrementally: unchanged pages answer 304 and are not re-indexed', async () => {
    const before304 = [...site.requests.entries()].filter(([k]) => k.startsWith('304')).length;
    const again = await crawlSite({ startUrl: site.url, delayMs: 0, known: first.pages });
    const after304 = [...site.requests.entries()].filter(([k]) => k.startsWith('304')).length;
    assert.equal(before304, 0);
    assert.ok(after304 >= contentPages.length, `304 answers: ${after304}`);
    assert.equal(again.report.unchanged, contentPages.length);
    assert.equal(again.report.new + again.report.changed + again.report.removed, 0);
    assert.deepEqual(again.upserted, []);
  });

  it('re-indexes a changed page and removes a page that now answers 410', async () => {
    const file = join(dir, 'eksamen', 'klage.html');
    writeFileSync(file, readFileSync(file, 'utf8').replace('</h1>', '</h1>\n<p>Nytt avsnitt om digital klage i Klageportalen fra 2027.</p>').replace(/"updated": "[^"]+"/, '"updated": "2026-11-20"'));
    site.reload();
    site.removed.add('/eksamen/forbedre-karakterer');
    const r = await crawlSite({ startUrl: site.url, delayMs: 0, known: first.pages });
    assert.equal(r.report.changed, 1);
    assert.equal(r.report.removed, 1);
    assert.deepEqual(r.removed.map(path), ['/eksamen/forbedre-karakterer']);
    assert.ok(!r.pages.some((p) => path(p.url) === '/eksamen/forbedre-karakterer'));
    const klage = r.pages.find((p) => path(p.url) === '/eksamen/klage');
    assert.ok(klage?.sections.some((s) => s.text.includes('Klageportalen')));
  });
});

describe('crawler faults: each page gets a clear outcome and nothing known is lost', function () {
  this.timeout(30_000);
  let server: Server;
  let base: string;
  let fail = false;
  before(async () => {
    server = createServer((req, res) => {
      const html = (body: string) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html><head><title>Side</title></head><body><main><article><h1>Side</h1>${body}</article></main></body></html>`);
      };
      switch (req.url) {
        case '/robots.txt': res.writeHead(404); res.end(); return;
        case '/': return html('<p>Forside med lenker til alle testsidene våre, som skal hentes av søkeroboten.</p><a href="/ok">ok</a> <a href="/feil">feil</a> <a href="/fil.pdf">pdf</a> <a href="/sloyfe">sløyfe</a> <a href="/treg">treg</a> <a href="/stor">stor</a>');
        case '/ok':
          if (fail) { res.writeHead(500); res.end(); return; }
          return html('<h2 id="a">Fagbrev</h2><p>Fagbrev for voksne tas som praksiskandidat eller lærling. Denne teksten er lang nok til å bli lest som innhold.</p>');
        case '/feil': res.writeHead(500); res.end('feil'); return;
        case '/fil.pdf': res.writeHead(200, { 'content-type': 'application/pdf' }); res.end('%PDF'); return;
        case '/sloyfe': res.writeHead(302, { location: '/sloyfe2' }); res.end(); return;
        case '/sloyfe2': res.writeHead(302, { location: '/sloyfe' }); res.end(); return;
        case '/treg': setTimeout(() => html('<p>for sent</p>'), 2000); return;
        case '/stor': res.writeHead(200, { 'content-type': 'text/html' }); res.end(`<p>${'x'.repeat(300_000)}</p>`); return;
        default: res.writeHead(404); res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`;
  });
  after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  it('reports 500s, non-HTML, redirect loops, timeouts and huge pages with reasons', async () => {
    const r = await crawlSite({ startUrl: base, delayMs: 0, timeoutMs: 500, maxBytes: 100_000 });
    const reason = (p: string) => [...r.report.failed, ...r.report.skipped].find((f) => new URL(f.url).pathname === p)?.reason ?? '';
    assert.equal(reason('/feil'), 'HTTP 500');
    assert.match(reason('/fil.pdf'), /ikke HTML/);
    assert.match(reason('/sloyfe'), /redirect/i);
    assert.match(reason('/treg'), /tidsavbrudd/);
    assert.match(reason('/stor'), /for stor/);
    assert.ok(r.pages.some((p) => p.url.endsWith('/ok')));
  });

  it('keeps the previous version of a page that fails on a re-crawl', async () => {
    fail = false;
    const firstRun = await crawlSite({ startUrl: base, delayMs: 0, timeoutMs: 500, maxBytes: 100_000 });
    fail = true;
    const second = await crawlSite({ startUrl: base, delayMs: 0, timeoutMs: 500, maxBytes: 100_000, known: firstRun.pages });
    assert.ok(second.pages.some((p) => p.url.endsWith('/ok')));
    assert.deepEqual(second.removed, []);
    assert.ok(second.report.failed.some((f) => f.url.endsWith('/ok') && f.reason === 'HTTP 500'));
  });
});
