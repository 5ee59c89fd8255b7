import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import sinon from 'sinon';
import { startDemoSite, type DemoSite } from '../../src/demosite/server.js';
import { loadDecisionModel } from '../../src/faq/decision-model.js';
import { FaqRuntime, type FaqRuntimeDeps } from '../../src/faq/runtime.js';
import { Analyzer, loadLexicon } from '../../src/faq/text.js';
import { createLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import type { Store } from '../../src/store/store.js';
import type { Ticket } from '../../src/tickets/model.js';

describe('FAQ runtime: index builds, the one crawl and its status, content from other instances', function () {
  this.timeout(60_000);
  const analyzer = new Analyzer(loadLexicon());
  const model = loadDecisionModel();
  let site: DemoSite;
  let dir: string;
  let store: LowdbStore;
  let logs: { event?: string; err?: string }[];
  let runtimes: FaqRuntime[];

  const runtime = (over: Partial<FaqRuntimeDeps> = {}): FaqRuntime => {
    const logStream = new Writable({ write(chunk: Buffer, _enc, cb) { logs.push(JSON.parse(chunk.toString('utf8')) as { event?: string }); cb(); } });
    const r = new FaqRuntime({
      store, log: createLogger('info', logStream), analyzer, model, siteUrl: site.url, curated: [], contactUrl: `${site.url}/om-oss/kontakt`,
      savedAnswerHeading: (section) => `Svar fra teamet: ${section}`, crawl: { concurrency: 4, delayMs: 0 },
      recrawlMinutes: 0, contentPollSeconds: 10, debugReports: false, ...over,
    });
    runtimes.push(r);
    return r;
  };
  const events = (name: string) => logs.filter((l) => l.event === name);

  before(async () => {
    site = await startDemoSite(0);
    dir = mkdtempSync(join(tmpdir(), 'veiviser-runtime-'));
    store = await LowdbStore.open(dir);
  });
  beforeEach(() => {
    logs = [];
    runtimes = [];
  });
  afterEach(async () => {
    sinon.restore();
    for (const r of runtimes) await r.close();
  });
  after(async () => {
    await store.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('crawls an empty store first, then builds the index; the finished crawl\'s status is in the store', async () => {
    const r = runtime();
    assert.equal(r.current(), undefined);
    await r.start();
    assert.ok(r.current(), 'an index after the first crawl');
    assert.ok((await store.listPages()).length > 0);
    assert.equal(events('crawl_done').length, 1);
    assert.equal(events('index_built').length, 1);
    assert.ok(r.topicLabels().size > 0, 'topic names taken from the pages');
    const status = await r.crawlStatus();
    assert.equal(status.running, false);
    assert.ok(status.startedAt && status.finishedAt && status.progress);
    assert.equal(status.error, undefined);
    assert.deepEqual(await store.getCrawlStatus(), status);
  });

  it('builds from the stored pages without crawling when the store has them', async () => {
    const r = runtime();
    await r.start();
    assert.ok(r.current());
    assert.equal(events('crawl_done').length, 0);
    assert.equal(events('index_built').length, 1);
  });

  it('runs one crawl at a time: calls while a crawl starts or runs share it', async () => {
    const r = runtime();
    await r.start();
    const claim = sinon.spy(store, 'claimCrawl');
    await Promise.all([r.recrawl(), r.recrawl(), r.startCrawl()]);
    assert.equal(claim.callCount, 1);
    assert.equal(events('crawl_done').length, 1);
    // Nothing changed on the site: the index is not rebuilt again.
    assert.equal(events('index_built').length, 1);
  });

  it('does not crawl while another holds the claim, and says so', async () => {
    const r = runtime();
    await r.start();
    const held = await store.claimCrawl();
    assert.ok(held);
    try {
      await r.recrawl();
      assert.equal(events('crawl_running_elsewhere').length, 1);
      assert.equal(events('crawl_done').length, 0);
    } finally {
      await held.release();
    }
  });

  it('a failed crawl records its error, logs it and releases the claim', async () => {
    const r = runtime();
    await r.start();
    sinon.stub(store, 'applyCrawl').rejects(new Error('disken er full'));
    await assert.rejects(r.recrawl(), /disken er full/);
    const status = await r.crawlStatus();
    assert.equal(status.running, false);
    assert.equal(status.error, 'disken er full');
    assert.equal(events('crawl_failed')[0]?.err, 'disken er full');
    const again = await store.claimCrawl();
    assert.ok(again, 'the claim was released');
    await again.release();
  });

  it('answers saved as FAQ are in the index, under the heading the app gives them', async () => {
    const r = runtime();
    await r.start();
    const saved = { faq: { question: 'Kan en praksiskandidat i barnehage få fagbrev etter åtte år som assistent?', answer: 'Ja, med dokumentert praksis.', section: 'fagopplaering', savedAt: '2025-01-01T00:00:00.000Z' } } as unknown as Ticket;
    sinon.stub(store, 'listTickets').resolves([saved]);
    await r.rebuild();
    const hit = r.current()!.search('praksiskandidat i barnehage fagbrev etter åtte år som assistent').hits.find((h) => h.doc.kind === 'curated');
    assert.equal(hit?.doc.heading, 'Svar fra teamet: fagopplaering');
    assert.equal(hit?.doc.url, `${site.url}/om-oss/kontakt`);
  });

  it('follows content another instance changed, only with a store shared by instances', async () => {
    // The same lowdb store, declared shared (as PostgreSQL is).
    const sharedStore = new Proxy(store, {
      get: (target, key: keyof LowdbStore) => (key === 'capabilities' ? { sharedByInstances: true } : typeof target[key] === 'function' ? (target[key] as (...a: unknown[]) => unknown).bind(target) : target[key]),
    }) as Store;
    const shared = runtime({ contentPollSeconds: 0.05, store: sharedStore });
    const alone = runtime({ contentPollSeconds: 0.05 });
    await Promise.all([shared.start(), alone.start()]);
    assert.equal(events('index_built').length, 2);
    sinon.stub(store, 'contentVersion').resolves(10_000);
    for (let i = 0; i < 100 && events('content_changed_elsewhere').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(events('content_changed_elsewhere').length, 1, 'one rebuild, then the version is known');
    assert.equal(events('index_built').length, 3);
  });

  it('after stop(), starts no crawl and closes while the first build waits', async () => {
    const pages = sinon.stub(store, 'listPages').resolves([]);
    const held = await store.claimCrawl();
    const r = runtime();
    const ready = r.start();
    await new Promise((res) => setTimeout(res, 50));
    await r.close();
    await ready;
    assert.equal(r.current(), undefined);
    pages.restore();
    await held!.release();
  });
});
