/**
 * Crawls one county website into pages of sections: robots.txt obeyed, sitemaps (and sitemap
 * indexes) read, links followed on the same site, redirects and rel=canonical followed, print
 * versions and other near-duplicates skipped, at most `concurrency` requests at once with a
 * delay between requests to the host. A re-crawl asks with ETag/Last-Modified, keeps unchanged
 * pages as they were, and drops pages that now answer 404 or 410. A page that fails this time
 * (timeout, 500) keeps its previous version: nothing indexed is lost to a passing fault.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import robotsParserModule from 'robots-parser';
import { extractPage, type ExtractedSection } from './extract.js';

/** A crawled page as stored. */
export interface StoredPage {
  url: string;
  title: string;
  updated?: string;
  etag?: string;
  lastModified?: string;
  /** sha256 of the extracted text: an unchanged text is not re-indexed even without ETag. */
  hash: string;
  /** 64-bit SimHash (hex) of the text's word shingles, for near-duplicate detection. */
  simhash: string;
  sections: ExtractedSection[];
  links: string[];
  fetchedAt: string;
}

export interface CrawlReport {
  startUrl: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Pages answered 200 and read. */
  fetched: number;
  new: number;
  changed: number;
  /** Pages answered 304, or whose text had not changed. */
  unchanged: number;
  removed: number;
  failed: { url: string; reason: string }[];
  skipped: { url: string; reason: string }[];
  pages: number;
  sections: number;
}

export interface CrawlResult {
  /** The full set of pages after this crawl (unchanged ones as they were). */
  pages: StoredPage[];
  /** URLs of pages new or changed in this crawl. */
  upserted: string[];
  /** URLs of pages gone from the index. */
  removed: string[];
  report: CrawlReport;
}

export interface CrawlProgress { done: number; queued: number; fetched: number; unchanged: number; failed: number }

export interface CrawlOptions {
  startUrl: string;
  /** Pages from the previous crawl, for conditional requests and removal detection. */
  known?: StoredPage[];
  concurrency?: number;
  /** Minimum time between two requests to the host (robots.txt Crawl-delay raises it, up to 10 s). */
  delayMs?: number;
  maxPages?: number;
  timeoutMs?: number;
  maxBytes?: number;
  userAgent?: string;
  onProgress?: (p: CrawlProgress) => void;
}

// robots-parser is CommonJS (module.exports = fn) while its typings declare a default export.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;
const HTML_TYPES = /^(text\/html|application\/xhtml\+xml)/i;

export async function crawlSite(opts: CrawlOptions): Promise<CrawlResult> {
  const started = Date.now();
  const start = new URL(opts.startUrl);
  start.hash = '';
  const origin = start.origin;
  const ua = opts.userAgent ?? 'VeiviserBot/0.1 (+https://github.com/veiviser)';
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 4, 16));
  const maxPages = opts.maxPages ?? 5000;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
  const known = new Map((opts.known ?? []).map((p) => [p.url, p]));
  const failed: CrawlReport['failed'] = [];
  const skipped: CrawlReport['skipped'] = [];
  const removedUrls = new Set<string>();
  const fresh = new Map<string, StoredPage>();
  const unchanged = new Map<string, StoredPage>();
  let fetched = 0;

  let delayMs = Math.max(0, opts.delayMs ?? 100);
  let nextSlot = 0;
  const politeFetch = async (url: string, headers: Record<string, string> = {}): Promise<Response> => {
    const now = Date.now();
    const wait = Math.max(0, nextSlot - now);
    nextSlot = Math.max(now, nextSlot) + delayMs;
    if (wait) await new Promise((r) => setTimeout(r, wait));
    return fetch(url, { headers: { 'user-agent': ua, ...headers }, redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
  };
  const readBody = async (res: Response): Promise<Buffer> => {
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > maxBytes) throw new Error(`for stor (${declared} byte)`);
    const chunks: Buffer[] = [];
    let size = 0;
    if (!res.body) return Buffer.alloc(0);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new Error(`for stor (over ${maxBytes} byte)`);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  };

  // robots.txt: a missing file allows everything; an unreachable one (5xx) allows nothing new.
  let robots = robotsParser(`${origin}/robots.txt`, '');
  try {
    const res = await politeFetch(`${origin}/robots.txt`);
    if (res.ok) robots = robotsParser(`${origin}/robots.txt`, (await readBody(res)).toString('utf8'));
    else if (res.status >= 500) robots = robotsParser(`${origin}/robots.txt`, 'User-agent: *\nDisallow: /\n');
  } catch {
    // unreachable robots.txt: treated as missing
  }
  const crawlDelay = robots.getCrawlDelay(ua);
  if (crawlDelay) delayMs = Math.max(delayMs, Math.min(crawlDelay * 1000, 10_000));
  const allowed = (url: string): boolean => robots.isAllowed(url, ua) !== false;

  const queue: string[] = [];
  const seen = new Set<string>();
  const enqueue = (raw: string): void => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return;
    }
    u.hash = '';
    if (u.origin !== origin) return;
    if (seen.has(u.href)) return;
    seen.add(u.href);
    if (!allowed(u.href)) {
      skipped.push({ url: u.href, reason: 'robots.txt' });
      return;
    }
    if (seen.size > maxPages * 3) return;
    queue.push(u.href);
  };

  // Sitemaps: robots.txt's Sitemap lines and /sitemap.xml; sitemap indexes are followed.
  const xml = new XMLParser({ ignoreAttributes: true, isArray: (name) => name === 'url' || name === 'sitemap' });
  const sitemapQueue = [...new Set([...robots.getSitemaps(), `${origin}/sitemap.xml`])];
  const sitemapsSeen = new Set<string>();
  while (sitemapQueue.length && sitemapsSeen.size < 50) {
    const sm = sitemapQueue.shift() as string;
    if (sitemapsSeen.has(sm) || !sm.startsWith(origin)) continue;
    sitemapsSeen.add(sm);
    try {
      const res = await politeFetch(sm);
      if (!res.ok) continue;
      let body = await readBody(res);
      if (sm.endsWith('.gz')) body = gunzipSync(body);
      const doc = xml.parse(body.toString('utf8')) as { sitemapindex?: { sitemap?: { loc?: string }[] }; urlset?: { url?: { loc?: string }[] } };
      for (const s of doc.sitemapindex?.sitemap ?? []) if (s.loc) sitemapQueue.push(String(s.loc).trim());
      for (const u of doc.urlset?.url ?? []) if (u.loc) enqueue(String(u.loc).trim());
    } catch (err) {
      failed.push({ url: sm, reason: `sitemap: ${(err as Error).message}` });
    }
  }
  enqueue(start.href);
  for (const url of known.keys()) enqueue(url);

  const handle = async (url: string): Promise<void> => {
    const prev = known.get(url);
    const headers: Record<string, string> = {};
    if (prev?.etag) headers['if-none-match'] = prev.etag;
    if (prev?.lastModified) headers['if-modified-since'] = prev.lastModified;
    let res: Response;
    try {
      res = await politeFetch(url, headers);
    } catch (err) {
      const e = err as Error & { cause?: Error };
      const reason = e.name === 'TimeoutError' ? `tidsavbrudd etter ${timeoutMs} ms` : e.cause?.message ?? e.message;
      failed.push({ url, reason });
      if (prev) unchanged.set(url, prev);
      return;
    }
    const finalUrl = res.url ? new URL(res.url) : new URL(url);
    finalUrl.hash = '';
    if (res.status === 304 && prev) {
      await res.body?.cancel();
      unchanged.set(url, prev);
      for (const l of prev.links) enqueue(l);
      return;
    }
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel();
      if (prev) removedUrls.add(url);
      else skipped.push({ url, reason: `HTTP ${res.status}` });
      return;
    }
    if (!res.ok) {
      await res.body?.cancel();
      failed.push({ url, reason: `HTTP ${res.status}` });
      if (prev) unchanged.set(url, prev);
      return;
    }
    if (finalUrl.href !== url) {
      if (prev) removedUrls.add(url);
      if (finalUrl.origin !== origin) {
        await res.body?.cancel();
        skipped.push({ url, reason: `videresendt ut av nettstedet (${finalUrl.href})` });
        return;
      }
      if (seen.has(finalUrl.href) && finalUrl.href !== url) {
        await res.body?.cancel();
        skipped.push({ url, reason: `videresendt til ${finalUrl.href}` });
        return;
      }
      seen.add(finalUrl.href);
    }
    const type = res.headers.get('content-type') ?? '';
    if (!HTML_TYPES.test(type)) {
      await res.body?.cancel();
      skipped.push({ url, reason: `ikke HTML (${type || 'ukjent type'})` });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(res);
    } catch (err) {
      failed.push({ url, reason: (err as Error).message });
      if (prev) unchanged.set(url, prev);
      return;
    }
    fetched++;
    const pageUrl = finalUrl.href;
    const extracted = extractPage(body.toString('utf8'), pageUrl, res.headers.get('last-modified'));
    for (const l of extracted.links) enqueue(l);
    if (extracted.canonical) {
      const c = new URL(extracted.canonical);
      c.hash = '';
      if (c.href !== pageUrl && c.origin === origin) {
        skipped.push({ url: pageUrl, reason: `kanonisk adresse er ${c.href}` });
        if (known.has(pageUrl)) removedUrls.add(pageUrl);
        enqueue(c.href);
        return;
      }
    }
    if (extracted.noindex) {
      skipped.push({ url: pageUrl, reason: 'noindex' });
      if (known.has(pageUrl)) removedUrls.add(pageUrl);
      return;
    }
    if (extracted.sections.length === 0) {
      skipped.push({ url: pageUrl, reason: 'fant ikke innhold' });
      if (known.has(pageUrl)) removedUrls.add(pageUrl);
      return;
    }
    const hash = createHash('sha256').update(extracted.text).digest('hex');
    const before = known.get(pageUrl);
    const page: StoredPage = {
      url: pageUrl,
      title: extracted.title,
      updated: extracted.updated,
      etag: res.headers.get('etag') ?? undefined,
      lastModified: res.headers.get('last-modified') ?? undefined,
      hash,
      simhash: simhash(extracted.text),
      sections: extracted.sections,
      links: extracted.links.filter((l) => l.startsWith(origin)),
      fetchedAt: new Date().toISOString(),
    };
    if (before && before.hash === hash) unchanged.set(pageUrl, { ...before, etag: page.etag, lastModified: page.lastModified, fetchedAt: page.fetchedAt });
    else fresh.set(pageUrl, page);
  };

  let done = 0;
  const report = (): void =>
    opts.onProgress?.({ done, queued: queue.length, fetched, unchanged: unchanged.size, failed: failed.length });
  const worker = async (): Promise<void> => {
    while (queue.length && done < maxPages) {
      const url = queue.shift() as string;
      try {
        await handle(url);
      } catch (err) {
        failed.push({ url, reason: (err as Error).message });
        const prev = known.get(url);
        if (prev) unchanged.set(url, prev);
      }
      done++;
      report();
    }
  };
  // Workers end when the queue is empty, but a running page may still add links: loop until quiet.
  while (queue.length && done < maxPages) await Promise.all(Array.from({ length: concurrency }, worker));

  // Near-duplicates (print versions, tracking-parameter copies): keep the plainest URL.
  const candidates = [...unchanged.values(), ...fresh.values()].filter((p) => !removedUrls.has(p.url));
  candidates.sort((a, b) => urlRank(a.url) - urlRank(b.url) || a.url.length - b.url.length || a.url.localeCompare(b.url));
  const kept: StoredPage[] = [];
  const shingleCache = new Map<string, Set<string>>();
  const shinglesOf = (p: StoredPage): Set<string> => {
    let s = shingleCache.get(p.url);
    if (!s) shingleCache.set(p.url, (s = shingles(p.sections.map((x) => x.text).join(' '))));
    return s;
  };
  for (const p of candidates) {
    const twin = kept.find((k) => k.hash === p.hash || (hamming(k.simhash, p.simhash) <= 18 && jaccard(shinglesOf(k), shinglesOf(p)) >= 0.8));
    if (twin) {
      skipped.push({ url: p.url, reason: `nesten lik ${twin.url}` });
      continue;
    }
    kept.push(p);
  }
  const keptUrls = new Set(kept.map((p) => p.url));
  for (const url of known.keys()) if (!keptUrls.has(url)) removedUrls.add(url);
  const upserted = kept.filter((p) => fresh.has(p.url)).map((p) => p.url);
  const newCount = upserted.filter((u) => !known.has(u)).length;
  const finished = Date.now();
  return {
    pages: kept,
    upserted,
    removed: [...removedUrls].filter((u) => known.has(u)),
    report: {
      startUrl: start.href,
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      fetched,
      new: newCount,
      changed: upserted.length - newCount,
      unchanged: kept.filter((p) => !fresh.has(p.url)).length,
      removed: [...removedUrls].filter((u) => known.has(u)).length,
      failed,
      skipped,
      pages: kept.length,
      sections: kept.reduce((s, p) => s + p.sections.length, 0),
    },
  };
}

/** Lower is plainer: no query string, not a print/utskrift address. */
function urlRank(url: string): number {
  const u = new URL(url);
  return (u.search ? 2 : 0) + (/(utskrift|print)/i.test(u.pathname) ? 1 : 0);
}

function shingles(text: string): Set<string> {
  const ws = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out = new Set<string>();
  for (let i = 0; i + 2 < ws.length; i++) out.add(`${ws[i]} ${ws[i + 1]} ${ws[i + 2]}`);
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** 64-bit SimHash over word 3-shingles, as 16 hex digits (a cheap first filter for near-duplicates). */
export function simhash(text: string): string {
  const ws = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const v = new Int32Array(64);
  for (let i = 0; i + 2 < Math.max(ws.length, 3); i++) {
    const sh = `${ws[i]} ${ws[i + 1] ?? ''} ${ws[i + 2] ?? ''}`;
    // Two independent 32-bit FNV-1a hashes make the 64 bits.
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ 0x5bd1e995;
    for (let c = 0; c < sh.length; c++) {
      const code = sh.charCodeAt(c);
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = Math.imul(h2 ^ code, 0x5bd1e995) ^ (h2 >>> 15);
    }
    for (let b = 0; b < 32; b++) {
      v[b] += (h1 >>> b) & 1 ? 1 : -1;
      v[b + 32] += (h2 >>> b) & 1 ? 1 : -1;
    }
  }
  let hex = '';
  for (let n = 0; n < 16; n++) {
    let nib = 0;
    for (let k = 0; k < 4; k++) if (v[n * 4 + k] > 0) nib |= 1 << k;
    hex += nib.toString(16);
  }
  return hex;
}

const POP4 = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];
export function hamming(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) d += POP4[parseInt(a[i], 16) ^ parseInt(b[i], 16)];
  return d;
}
