/**
 * Store on lowdb JSON files in one data directory: content.json (crawled pages, rewritten only
 * by a crawl) and veiviser.json (questions, feedback, conversation references). lowdb writes
 * through steno: a temporary file renamed over the old one, so a crash mid-write leaves the
 * previous file. Writes are queued one at a time within the process.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { CrawlReport, StoredPage } from '../faq/crawler.js';
import { StoreCorruptError, type QuestionRecord, type Store, type StoredConversation } from './store.js';

interface ContentData { version: 1; pages: StoredPage[]; lastCrawl?: CrawlReport }
interface AppData { version: 1; questions: QuestionRecord[]; conversations: Record<string, StoredConversation> }

async function open<T>(file: string, empty: T): Promise<Low<T>> {
  const db = new Low<T>(new JSONFile<T>(file), empty);
  try {
    await db.read();
  } catch (err) {
    throw new StoreCorruptError(file, err as Error);
  }
  if (db.data === null || typeof db.data !== 'object') throw new StoreCorruptError(file, new Error('innholdet er ikke et JSON-objekt'));
  return db;
}

export class LowdbStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();
  private constructor(private readonly content: Low<ContentData>, private readonly app: Low<AppData>) {}

  static async open(dataDir: string): Promise<LowdbStore> {
    mkdirSync(dataDir, { recursive: true });
    const content = await open<ContentData>(join(dataDir, 'content.json'), { version: 1, pages: [] });
    const app = await open<AppData>(join(dataDir, 'veiviser.json'), { version: 1, questions: [], conversations: {} });
    if (!Array.isArray(content.data.pages)) throw new StoreCorruptError(join(dataDir, 'content.json'), new Error('"pages" mangler'));
    if (!Array.isArray(app.data.questions) || typeof app.data.conversations !== 'object') throw new StoreCorruptError(join(dataDir, 'veiviser.json'), new Error('"questions" eller "conversations" mangler'));
    return new LowdbStore(content, app);
  }

  /** Runs writes one after another; a failed write rejects its caller but not the next write. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  async listPages(): Promise<StoredPage[]> {
    return this.content.data.pages;
  }

  applyCrawl(change: { upserted: StoredPage[]; removed: string[]; report: CrawlReport }): Promise<void> {
    return this.serial(async () => {
      const gone = new Set([...change.removed, ...change.upserted.map((p) => p.url)]);
      const pages = this.content.data.pages.filter((p) => !gone.has(p.url)).concat(change.upserted);
      const previous = this.content.data;
      this.content.data = { version: 1, pages, lastCrawl: change.report };
      try {
        await this.content.write();
      } catch (err) {
        this.content.data = previous;
        throw err;
      }
    });
  }

  async lastCrawlReport(): Promise<CrawlReport | undefined> {
    return this.content.data.lastCrawl;
  }

  recordQuestion(q: QuestionRecord): Promise<void> {
    return this.serial(async () => {
      this.app.data.questions.push(q);
      try {
        await this.app.write();
      } catch (err) {
        this.app.data.questions.pop();
        throw err;
      }
    });
  }

  async getQuestion(id: string): Promise<QuestionRecord | undefined> {
    return this.app.data.questions.find((q) => q.id === id);
  }

  async listQuestions(): Promise<QuestionRecord[]> {
    return [...this.app.data.questions];
  }

  setFeedback(questionId: string, helpful: boolean, at: string): Promise<QuestionRecord | undefined> {
    return this.serial(async () => {
      const q = this.app.data.questions.find((x) => x.id === questionId);
      if (!q) return undefined;
      const before = q.feedback;
      q.feedback = { helpful, at };
      try {
        await this.app.write();
      } catch (err) {
        q.feedback = before;
        throw err;
      }
      return { ...q };
    });
  }

  saveConversation(c: StoredConversation): Promise<void> {
    return this.serial(async () => {
      const before = this.app.data.conversations[c.key];
      this.app.data.conversations[c.key] = c;
      try {
        await this.app.write();
      } catch (err) {
        if (before) this.app.data.conversations[c.key] = before;
        else delete this.app.data.conversations[c.key];
        throw err;
      }
    });
  }

  async getConversation(key: string): Promise<StoredConversation | undefined> {
    return this.app.data.conversations[key];
  }

  async close(): Promise<void> {
    await this.queue;
  }
}
