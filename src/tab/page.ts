/**
 * Serves the tab: /tab (one page for the channel tab, the personal tab and the configuration
 * page), /tab/app.js (the client from src/tab/client with teams-js and Chart.js, bundled by
 * esbuild) and /tab/app.css. The page may only be framed by Teams and Microsoft 365 hosts
 * (Content-Security-Policy frame-ancestors).
 *
 * Where the bundle comes from: `npm run build` writes it beside the compiled module
 * (dist/src/tab/client.bundle.js), and the compiled server serves that file — so production
 * never runs esbuild, which is a devDependency. Run from the TypeScript sources (`npm start` in
 * development, the tests), there is no such file beside src/tab/page.ts, and the client is
 * bundled in memory once at start, so an edit to the client needs no build step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import express from 'express';

/**
 * teams-js fetches the list of valid Teams host domains from Microsoft's CDN when it initialises
 * inside Teams; without this in connect-src every load in Teams logs a CSP violation.
 */
const TEAMS_JS_CDN = 'https://res.cdn.office.net';
const CLIENT = fileURLToPath(new URL('./client/main.ts', import.meta.url));
const CSS = fileURLToPath(new URL('./client/tab.css', import.meta.url));
/** The app's colour icon (manifest/), also the browser's page icon. */
const ICON = fileURLToPath(new URL('../../manifest/color.png', import.meta.url));
/** The bundle `npm run build` writes next to the compiled page.js (never present under src/). */
export const PREBUILT_BUNDLE = fileURLToPath(new URL('./client.bundle.js', import.meta.url));

/** Hosts allowed to frame the tab (Teams on the web, desktop and Microsoft 365). */
const FRAME_ANCESTORS = "'self' https://teams.microsoft.com https://*.teams.microsoft.com https://teams.cloud.microsoft https://*.cloud.microsoft https://*.office.com https://*.microsoft365.com https://*.skype.com";

const HTML = `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Veiviser – oversikt</title>
<link rel="stylesheet" href="/tab/app.css">
</head>
<body data-theme="default">
<a class="skip" href="#innhold">Hopp til innholdet</a>
<div id="app"><p>Laster …</p></div>
<noscript>Veiviser-fanen trenger JavaScript.</noscript>
<script src="/tab/app.js"></script>
</body>
</html>
`;

/** Bundles the client with esbuild (a devDependency, so imported only here): for `npm run build` and for runs from the sources. */
export async function bundleTabClient(): Promise<string> {
  let build: typeof import('esbuild').build;
  try {
    ({ build } = await import('esbuild'));
  } catch {
    throw new Error(`Fanens klientkode er ikke bygget (${PREBUILT_BUNDLE} mangler) og esbuild er ikke installert: kjør npm run build`);
  }
  const r = await build({ entryPoints: [CLIENT], bundle: true, format: 'iife', platform: 'browser', target: ['chrome110', 'edge110', 'safari16', 'firefox110'], minify: true, write: false, legalComments: 'none', logLevel: 'silent' });
  return r.outputFiles[0].text;
}

/** The client to serve: the prebuilt bundle when there is one (the compiled server), else bundled now. */
export function tabClient(): Promise<string> {
  return existsSync(PREBUILT_BUNDLE) ? readFile(PREBUILT_BUNDLE, 'utf8') : bundleTabClient();
}

export function createTabPage(bundle: Promise<string>): express.Router {
  const r = express.Router();
  const css = readFileSync(CSS, 'utf8');
  const headers = (res: express.Response) => {
    res.set('content-security-policy', `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ${TEAMS_JS_CDN}; frame-ancestors ${FRAME_ANCESTORS}`);
    res.set('x-content-type-options', 'nosniff');
    res.set('referrer-policy', 'same-origin');
  };
  // The app's icon as the page's icon (browsers ask for /favicon.ico; a 404 reads as a fault).
  const icon = existsSync(ICON) ? readFileSync(ICON) : undefined;
  r.get('/favicon.ico', (_req, res) => {
    if (!icon) return void res.status(204).end();
    res.set('cache-control', 'public, max-age=86400').type('png').send(icon);
  });
  r.get('/tab', (_req, res) => {
    headers(res);
    res.type('html').set('cache-control', 'no-store').send(HTML);
  });
  r.get('/tab/app.js', async (_req, res) => {
    headers(res);
    res.type('application/javascript').set('cache-control', 'no-cache').send(await bundle);
  });
  r.get('/tab/app.css', (_req, res) => {
    headers(res);
    res.type('text/css').set('cache-control', 'no-cache').send(css);
  });
  return r;
}
