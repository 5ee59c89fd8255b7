import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { StoreCorruptError, type QuestionRecord } from '../../src/store/store.js';
import { storeContract } from './contract.js';

const question = (id: string): QuestionRecord => ({ id, at: new Date().toISOString(), userHash: 'h', conversationType: 'personal', outcome: 'answer' });

describe('lowdb store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'veiviser-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps questions and feedback across a restart', async () => {
    const s = await LowdbStore.open(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.recordQuestion(question(`q${i}`))));
    await s.setFeedback('q7', false, '2026-11-21T10:00:00.000Z');
    assert.equal(await s.setFeedback('missing', true, 'x'), undefined);
    await s.close();
    const again = await LowdbStore.open(dir);
    assert.equal((await again.listQuestions()).length, 20);
    assert.deepEqual((await again.getQuestion('q7'))?.feedback, { helpful: false, at: '2026-11-21T10:00:00.000Z' });
  });

  it('applies a crawl: upserts and removals in one write, with the report', async () => {
    const s = await LowdbStore.open(dir);
    const page = (url: string, hash = 'h') => ({ url, title: 't', hash, simhash: '0', sections: [], links: [], fetchedAt: 'now' });
    const report = { startUrl: 'http://x/', startedAt: '', finishedAt: '', durationMs: 1, fetched: 2, new: 2, changed: 0, unchanged: 0, removed: 0, failed: [], skipped: [], pages: 2, sections: 0 };
    await s.applyCrawl({ upserted: [page('http://x/a'), page('http://x/b')], removed: [], report });
    await s.applyCrawl({ upserted: [page('http://x/a', 'h2')], removed: ['http://x/b'], report: { ...report, removed: 1 } });
    const again = await LowdbStore.open(dir);
    assert.deepEqual((await again.listPages()).map((p) => [p.url, p.hash]), [['http://x/a', 'h2']]);
    assert.equal((await again.lastCrawlReport())?.removed, 1);
  });

  it('stops with a clear error on a broken data file and never overwrites it', async () => {
    const file = join(dir, 'veiviser.json');
    writeFileSync(file, '{"version":1,"questions":[{"id":"q1"');
    await assert.rejects(LowdbStore.open(dir), (e: Error) => e instanceof StoreCorruptError && e.message.includes('veiviser.json') && /ødelagt/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), '{"version":1,"questions":[{"id":"q1"');
    writeFileSync(file, '[]');
    await assert.rejects(LowdbStore.open(dir), StoreCorruptError);
  });
});

storeContract('lowdb', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'veiviser-contract-'));
  let current = await LowdbStore.open(dir);
  return {
    store: current,
    async reopen() {
      await current.close();
      current = await LowdbStore.open(dir);
      return current;
    },
    async close() {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
