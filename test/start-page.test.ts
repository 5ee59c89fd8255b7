import assert from 'node:assert/strict';
import { startHarness, type Harness } from './helpers/harness.js';

describe('the start page at /', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => h?.close());

  it('tells a newcomer what runs here and links the tab, the county site, the health checks and how to chat', async () => {
    const res = await fetch(`${h.app.url}/`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const html = await res.text();
    assert.match(html, /<html lang="nb">/);
    assert.match(html, /<a href="\/tab">Fanen<\/a>/);
    assert.match(html, /<a href="\/healthz">/);
    assert.match(html, new RegExp(`<a href="${h.app.siteUrl}">Fylkets nettsted</a>`));
    assert.match(html, /npm run playground/);
    assert.doesNotMatch(html, /<script/);
  });
});
