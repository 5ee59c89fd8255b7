/**
 * The page at `/`: what this server is and where to go — the tab, the health checks, how to chat
 * with the bot — so that a newcomer who opens http://127.0.0.1:3978/ does not meet «Cannot GET /».
 * Plain HTML, no script; texts in Norwegian like the rest of the product.
 */
import express from 'express';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function startPage(p: { siteUrl: string; demoSite: boolean; production: boolean }): express.Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.type('html').send(`<!doctype html>
<html lang="nb">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Veiviser</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#242424}code{background:#f0f0f0;padding:0 .25rem;border-radius:3px}</style></head>
<body>
<h1>Veiviser</h1>
<p>Veiviser er en app i Microsoft Teams for NAV-veiledere og fylkets utdanningstjenester: den svarer på spørsmål fra fylkets nettsider, bestiller trepartssamtaler og sender vanskelige saker til utdanningsteamet.</p>
<h2>Her finner du</h2>
<ul>
<li><a href="/tab">Fanen</a> – utdanningsteamets saker, bookinger, statistikk og innstillinger${p.production ? '' : ' (lokalt: logg inn som en av testbrukerne)'}</li>
<li><a href="${esc(p.siteUrl)}">Fylkets nettsted</a>${p.demoSite ? ' – det innebygde demonettstedet Fjordvik fylkeskommune' : ''}</li>
<li><a href="/healthz">/healthz</a> og <a href="/readyz">/readyz</a> – helse og klarhet for drift</li>
</ul>
<h2>Snakke med boten</h2>
<p>I Teams: legg til Veiviser-appen og skriv i chatten. ${p.production ? '' : 'Lokalt: kjør <code>npm run playground</code> i et annet vindu og åpne adressen den skriver ut (Microsoft 365 Agents Playground, en Teams-simulator). Boten tar imot meldinger på <code>/api/messages</code>.'}</p>
</body></html>`);
  });
  return router;
}
