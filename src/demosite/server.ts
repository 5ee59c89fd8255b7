/**
 * The bundled demo county website: "Fjordvik fylkeskommune", a fictional county whose pages
 * about adults' upper secondary education live as content fragments in
 * test/fixtures/demo-site/pages. Like a real CMS, the server wraps each fragment in the site's
 * chrome (cookie banner, header, menu, breadcrumbs, share tools, related links, feedback box,
 * footer), and serves robots.txt, a sitemap index, print versions, tracking-parameter URLs
 * with rel=canonical, an old URL that redirects, ETag/Last-Modified with 304 answers, and 410
 * for pages marked as removed. It is what `npm start` crawls when no FAQ_SITE_URL is set.
 * The same server serves the evaluation counties (test/fixtures/counties/<name>/pages, with the
 * county's name, language and menu in site.json beside pages/).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_PAGES_DIR = fileURLToPath(new URL('../../test/fixtures/demo-site/pages', import.meta.url));

export interface PageMeta {
  title: string;
  updated: string;
  section: string;
  related?: string[];
}
export interface Page { path: string; meta: PageMeta; body: string }

/** Who the site belongs to: its name, language and menu sections (another evaluation county has a site.json). */
export interface SiteIdentity {
  name: string;
  /** "nb" or "nn". */
  language: string;
  sections: Record<string, string>;
}

const SECTIONS: Record<string, string> = {
  voksne: 'Videregående for voksne',
  fagopplaering: 'Fag- og yrkesopplæring',
  eksamen: 'Eksamen og privatist',
  dokumentasjon: 'Vitnemål og dokumentasjon',
  karriere: 'Karriereveiledning',
  okonomi: 'Økonomi',
  nyheter: 'Nyheter',
  'om-oss': 'Om oss',
};
export const DEMO_IDENTITY: SiteIdentity = { name: 'Fjordvik fylkeskommune', language: 'nb', sections: SECTIONS };

/** A county site folder's identity: `site.json` beside `pages/`, or the demo county's. */
export function loadSiteIdentity(pagesDir: string): SiteIdentity {
  const file = join(pagesDir, '..', 'site.json');
  if (!existsSync(file)) return DEMO_IDENTITY;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<SiteIdentity>;
  if (typeof raw.name !== 'string' || !raw.sections) throw new Error(`${file}: trenger "name" og "sections"`);
  return { name: raw.name, language: raw.language ?? 'nb', sections: raw.sections };
}

/** Paths of old addresses that now redirect permanently. */
const REDIRECTS: Record<string, string> = {
  '/gammel/realkompetanse': '/voksne/realkompetansevurdering',
  '/gammel/privatist.aspx': '/eksamen/privatist',
};

export interface DemoSiteOptions {
  pagesDir?: string;
  /** Paths that answer 410 Gone (a page the county took down). */
  removed?: Set<string>;
}

export interface DemoSite {
  url: string;
  /** Requests seen, as "STATUS PATH" → count. */
  requests: Map<string, number>;
  removed: Set<string>;
  reload(): void;
  close(): Promise<void>;
}

/** Reads every page fragment with its meta comment. A broken meta block is a clear error. */
export function loadPages(dir: string): Page[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.html')) files.push(full);
    }
  };
  walk(dir);
  return files.sort().map((file) => {
    const raw = readFileSync(file, 'utf8');
    const m = /^\s*<!--meta\s*([\s\S]*?)-->/.exec(raw);
    if (!m) throw new Error(`${file}: mangler <!--meta {...} --> øverst`);
    let meta: PageMeta;
    try {
      meta = JSON.parse(m[1]) as PageMeta;
    } catch (err) {
      throw new Error(`${file}: ugyldig meta-JSON: ${(err as Error).message}`, { cause: err });
    }
    const rel = relative(dir, file).split(sep).join('/').replace(/\.html$/, '');
    const path = rel === 'index' ? '/' : rel.endsWith('/index') ? `/${rel.slice(0, -'index'.length)}` : `/${rel}`;
    return { path, meta, body: raw.slice(m[0].length).trim() };
  });
}

const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
const nbDate = (iso: string): string => new Intl.DateTimeFormat('nb-NO', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Oslo' }).format(new Date(iso));

export function renderPage(page: Page, origin: string, pages: Map<string, Page>, site: SiteIdentity = DEMO_IDENTITY): string {
  const { meta } = page;
  const sectionName = site.sections[meta.section];
  const menu = Object.entries(site.sections)
    .filter(([k]) => pages.has(`/${k}/`))
    .map(([k, v]) => `<li><a href="/${k}/"${k === meta.section ? ' aria-current="true"' : ''}>${esc(v)}</a></li>`)
    .join('');
  const crumbs = [`<li><a href="/">Forsiden</a></li>`];
  if (sectionName && page.path !== `/${meta.section}/`) crumbs.push(`<li><a href="/${meta.section}/">${esc(sectionName)}</a></li>`);
  if (page.path !== '/') crumbs.push(`<li aria-current="page">${esc(meta.title)}</li>`);
  const related = (meta.related ?? [])
    .map((p) => pages.get(p))
    .filter((p): p is Page => Boolean(p))
    .map((p) => `<li><a href="${p.path}">${esc(p.meta.title)}</a></li>`)
    .join('');
  return `<!doctype html>
<html lang="${site.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(meta.title)} | ${esc(site.name)}</title>
<link rel="canonical" href="${origin}${page.path}">
<meta property="article:modified_time" content="${esc(meta.updated)}">
<meta property="og:site_name" content="${esc(site.name)}">
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<a class="skip-link" href="#hovedinnhold">Hopp til hovedinnhold</a>
<div class="cookie-banner" id="cookie-consent" role="dialog" aria-label="Informasjonskapsler">
  <p>Vi bruker informasjonskapsler (cookies) for at nettstedet skal fungere, og for å lage anonym besøksstatistikk. Du velger selv om du godtar statistikk-kapslene.</p>
  <button type="button">Godta alle</button> <button type="button">Bare nødvendige</button>
  <a href="/om-oss/personvern">Les mer om informasjonskapsler</a>
</div>
<header class="site-header">
  <a class="logo" href="/"><img src="/static/logo.svg" alt="${esc(site.name)} – til forsiden"></a>
  <form class="site-search" role="search" action="/sok"><label for="q">Søk på nettstedet</label><input id="q" name="q" type="search"><button type="submit">Søk</button></form>
  <nav class="main-menu" aria-label="Hovedmeny"><ul>${menu}<li><a href="/sok">Søk</a></li><li><a href="/om-oss/kontakt">Kontakt oss</a></li></ul></nav>
  <div class="language-picker"><a href="/" lang="nb">Bokmål</a> <a href="/" lang="nn">Nynorsk</a> <a href="/" lang="en">English</a></div>
</header>
<nav class="breadcrumbs" aria-label="Brødsmulesti"><ol>${crumbs.join('')}</ol></nav>
<main id="hovedinnhold">
<article class="content">
${page.body}
<p class="last-updated">Sist oppdatert: <time datetime="${esc(meta.updated)}">${nbDate(meta.updated)}</time></p>
</article>
<div class="share-tools social-share">
  <a href="/utskrift${page.path}" rel="alternate">Skriv ut siden</a>
  <a href="https://www.facebook.com/sharer/sharer.php?u=${encodeURIComponent(origin + page.path)}" rel="nofollow">Del på Facebook</a>
  <a href="mailto:?subject=${encodeURIComponent(meta.title)}">Del på e-post</a>
</div>
${related ? `<aside class="related-links" aria-label="Relaterte lenker"><h2>Relatert innhold</h2><ul>${related}</ul></aside>` : ''}
<aside class="page-feedback" aria-label="Tilbakemelding"><h2>Fant du det du lette etter?</h2><button type="button">Ja</button> <button type="button">Nei</button><p>Tilbakemeldingen er anonym og hjelper oss å forbedre nettstedet.</p></aside>
</main>
<footer class="site-footer">
  <div><h2>Servicetorget</h2><p>Telefon 55 00 00 00 (hverdager 08.00–15.30)<br>E-post: postmottak@fjordvik.example.no</p></div>
  <div><h2>Besøksadresse</h2><p>Fylkeshuset, Strandgata 1 · ${esc(site.name)}</p></div>
  <div><h2>Snarveier</h2><ul><li><a href="/om-oss/kontakt">Kontakt oss</a></li><li><a href="/om-oss/personvern">Personvern og informasjonskapsler</a></li><li><a href="/nyheter/ny-opplaeringslov">Nyheter</a></li><li><a href="/intern/rutiner">For ansatte</a></li><li><a href="/?utm_source=footer&amp;utm_medium=lenke">Til forsiden</a></li></ul></div>
  <p class="legal">© 2026 ${esc(site.name)} · Org.nr. 900 000 000 · <a href="/om-oss/personvern">Tilgjengelighetserklæring</a></p>
</footer>
<script src="/static/cookie-consent.js"></script>
</body>
</html>`;
}

function renderPrint(page: Page, site: SiteIdentity): string {
  return `<!doctype html>
<html lang="${site.language}"><head><meta charset="utf-8"><title>${esc(page.meta.title)} – utskriftsversjon</title></head>
<body class="print">
<main><article>${page.body}</article></main>
<p>Skrevet ut fra nettstedet til ${esc(site.name)}. Sist oppdatert ${nbDate(page.meta.updated)}.</p>
</body></html>`;
}

function sitemap(origin: string, paths: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${paths
    .map((p) => `  <url><loc>${origin}${p}</loc></url>`)
    .join('\n')}\n</urlset>\n`;
}

export function createDemoSiteHandler(opts: DemoSiteOptions & { requests: Map<string, number>; removed: Set<string> }) {
  const dir = opts.pagesDir ?? DEFAULT_PAGES_DIR;
  let pages = new Map(loadPages(dir).map((p) => [p.path, p]));
  const site = loadSiteIdentity(dir);
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const host = req.headers.host ?? '127.0.0.1';
    const origin = `http://${host}`;
    const url = new URL(req.url ?? '/', origin);
    const path = decodeURIComponent(url.pathname);
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      const key = `${status} ${path}`;
      opts.requests.set(key, (opts.requests.get(key) ?? 0) + 1);
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const html = { 'content-type': 'text/html; charset=utf-8' };
    if (path === '/robots.txt') {
      return send(200, `User-agent: *\nDisallow: /intern/\nDisallow: /sok\n\nSitemap: ${origin}/sitemap.xml\n`, { 'content-type': 'text/plain; charset=utf-8' });
    }
    const listed = [...pages.keys()].filter((p) => !p.startsWith('/intern/') && !p.startsWith('/nyheter/'));
    const half = Math.ceil(listed.length / 2);
    if (path === '/sitemap.xml') {
      return send(200, `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n  <sitemap><loc>${origin}/sitemap-1.xml</loc></sitemap>\n  <sitemap><loc>${origin}/sitemap-2.xml</loc></sitemap>\n</sitemapindex>\n`, { 'content-type': 'application/xml' });
    }
    if (path === '/sitemap-1.xml') return send(200, sitemap(origin, listed.slice(0, half)), { 'content-type': 'application/xml' });
    if (path === '/sitemap-2.xml') return send(200, sitemap(origin, [...listed.slice(half), ...Object.keys(REDIRECTS)]), { 'content-type': 'application/xml' });
    if (REDIRECTS[path]) return send(301, '', { location: REDIRECTS[path] });
    if (path.startsWith('/static/')) return send(200, '', { 'content-type': path.endsWith('.css') ? 'text/css' : 'application/octet-stream' });
    if (path === '/sok') return send(200, '<!doctype html><title>Søk</title><p>Søket er ikke tilgjengelig i demoen.</p>', html);
    if (opts.removed.has(path)) return send(410, '<!doctype html><title>Siden er fjernet</title><p>Siden er fjernet.</p>', html);
    const isPrint = path.startsWith('/utskrift/');
    const pagePath = isPrint ? path.slice('/utskrift'.length) : path;
    const page = pages.get(pagePath);
    if (!page) {
      if (pages.has(`${pagePath}/`)) return send(301, '', { location: `${pagePath}/` });
      return send(404, '<!doctype html><title>Fant ikke siden</title><p>Vi fant ikke siden du lette etter.</p>', html);
    }
    const body = isPrint ? renderPrint(page, site) : renderPage(page, origin, pages, site);
    const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`;
    const lastModified = new Date(page.meta.updated).toUTCString();
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const fresh = inm ? inm.split(/\s*,\s*/).includes(etag) : ims ? new Date(ims).getTime() >= new Date(lastModified).getTime() : false;
    const headers = { ...html, etag, 'last-modified': lastModified, 'cache-control': 'no-cache' };
    if (fresh) return send(304, '', { etag, 'last-modified': lastModified });
    return send(200, body, headers);
  };
  /** Re-reads the page files (after a test or an editor changed them). */
  const reload = (): void => {
    pages = new Map(loadPages(dir).map((p) => [p.path, p]));
  };
  return { handler, reload };
}

/** Starts the demo site on a loopback port (0 = any free port). */
export async function startDemoSite(port = 0, opts: DemoSiteOptions = {}): Promise<DemoSite> {
  const requests = new Map<string, number>();
  const removed = opts.removed ?? new Set<string>();
  const site = createDemoSiteHandler({ ...opts, requests, removed });
  const server: Server = createServer(site.handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    requests,
    removed,
    reload: site.reload,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
