/**
 * Serves the tab: /tab (one page for the channel tab, the personal tab and the configuration
 * page), /tab/app.js (the client, bundled by esbuild from src/tab/client with teams-js and
 * Chart.js, once, when the app starts) and /tab/app.css. The page may only be framed by Teams
 * and Microsoft 365 hosts (Content-Security-Policy frame-ancestors).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import express from 'express';

const CLIENT = fileURLToPath(new URL('./client/main.ts', import.meta.url));
const CSS = fileURLToPath(new URL('./client/tab.css', import.meta.url));

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

export async function bundleTabClient(): Promise<string> {
  const r = await build({ entryPoints: [CLIENT], bundle: true, format: 'iife', platform: 'browser', target: ['chrome110', 'edge110', 'safari16', 'firefox110'], minify: true, write: false, legalComments: 'none', logLevel: 'silent' });
  return r.outputFiles[0].text;
}

export function createTabPage(bundle: Promise<string>): express.Router {
  const r = express.Router();
  const css = readFileSync(CSS, 'utf8');
  const headers = (res: express.Response) => {
    res.set('content-security-policy', `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors ${FRAME_ANCESTORS}`);
    res.set('x-content-type-options', 'nosniff');
    res.set('referrer-policy', 'same-origin');
  };
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
