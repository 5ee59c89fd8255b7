/**
 * The FAQ at run time: builds the search index from the stored pages, the curated entries and
 * the answers saved as FAQ, and swaps in a new one when the content changes; runs crawls (one at
 * a time across all instances, by the store's claim) and keeps their status in the store; follows
 * content another instance changed; re-crawls on a schedule. No HTTP here: the bot and the tab
 * reach it through the app's wiring.
 */
import type { Logger } from 'pino';
import type { CrawlClaim, CrawlStatusRecord, Store } from '../store/store.js';
import type { Section } from '../tickets/model.js';
import { topicLabels } from '../stats/report.js';
import type { DecisionModel } from './decision-model.js';
import { FaqService, toDocs, type CuratedEntry } from './faq-service.js';
import { formatReport, ingestSite } from './ingest.js';
import type { Analyzer } from './text.js';

export interface FaqRuntimeDeps {
  store: Store;
  log: Logger;
  analyzer: Analyzer;
  model: DecisionModel;
  /** The site that is crawled (the county's, or the bundled demo site). */
  siteUrl: string;
  curated: CuratedEntry[];
  /** Where an answer saved as FAQ links to (the site's contact page). */
  contactUrl: string;
  /** The heading of an answer saved as FAQ, by the section of its ticket. */
  savedAnswerHeading: (section: Section) => string;
  crawl: { concurrency: number; delayMs: number };
  /** Minutes between scheduled crawls; 0 = none. */
  recrawlMinutes: number;
  /** How often to look for content another instance changed (only for a store shared by instances). */
  contentPollSeconds: number;
  /** Logs each crawl's full report at debug level. */
  debugReports: boolean;
}

/** A crawl this instance started. */
interface RunningCrawl { done: Promise<void> }

export class FaqRuntime {
  private faq?: FaqService;
  private contentSeen = -1;
  /** Topic names for the statistics, taken from the pages whenever the index is built. */
  private labels = new Map<string, string>();
  /** The crawl this instance runs, if any. */
  private crawling?: Promise<void>;
  private starting?: Promise<RunningCrawl | undefined>;
  private closing = false;
  /** The crawl's status is kept in the store, so that the tab shows it whichever instance it asks. */
  private readonly status: CrawlStatusRecord = { running: false };
  private statusWritten = 0;
  /** One write after another, so that a late progress write never lands after "finished". */
  private statusChain: Promise<void> = Promise.resolve();
  private ready?: Promise<void>;
  private contentPoll?: NodeJS.Timeout;
  private schedule?: NodeJS.Timeout;

  constructor(private readonly d: FaqRuntimeDeps) {}

  /** The current index; undefined until the first one is built. */
  current(): FaqService | undefined {
    return this.faq;
  }

  /** The decision model in use: every index is built with the configured one. */
  decisionModel(): DecisionModel {
    return this.d.model;
  }

  topicLabels(): Map<string, string> {
    return this.labels;
  }

  /**
   * Builds the first index (after the first crawl when the store is empty) and starts the timers
   * (the re-crawl schedule; with a store shared by instances, the content poll). Returns a promise
   * that resolves when the first index is built.
   */
  start(): Promise<void> {
    const { store, log } = this.d;
    const ready = (async () => {
      // An empty store: the first crawl builds the index. Instances started together: one crawls,
      // the others wait for its pages (checked twice a second until that crawl has ended).
      while (!this.closing && (await store.listPages()).length === 0) {
        const run = await this.claimAndStart();
        if (run) {
          await run.done;
          break;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      if (!this.faq && !this.closing) await this.rebuild();
    })();
    ready.catch((err: Error) => log.error({ event: 'first_index_failed', err: err.message }));
    this.ready = ready;
    // Several instances: each one's index follows content changed through another (PostgreSQL).
    if (store.capabilities?.sharedByInstances) {
      this.contentPoll = setInterval(() => void this.followContent().catch((err: Error) => log.warn({ event: 'content_poll_failed', err: err.message })), this.d.contentPollSeconds * 1000);
      this.contentPoll.unref();
    }
    if (this.d.recrawlMinutes > 0) {
      this.schedule = setInterval(() => void this.startCrawl().catch((err: Error) => log.error({ event: 'crawl_failed', err: err.message })), this.d.recrawlMinutes * 60_000);
      this.schedule.unref();
    }
    return ready;
  }

  /** Builds the index from what the store holds now and swaps it in. */
  async rebuild(): Promise<void> {
    const { store, contactUrl } = this.d;
    this.contentSeen = await store.contentVersion();
    // Answers the team saved as FAQ ("Lagre svaret som FAQ") are curated entries too.
    const saved: CuratedEntry[] = (await store.listTickets())
      .filter((t) => t.faq)
      .map((t) => ({ question: t.faq!.question, alternatives: [], answer: t.faq!.answer, url: contactUrl, heading: this.d.savedAnswerHeading(t.faq!.section), updated: t.faq!.savedAt }));
    const pages = await store.listPages();
    this.labels = topicLabels(pages);
    const docs = toDocs(pages, [...this.d.curated, ...saved], this.d.siteUrl);
    if (this.faq) this.faq.rebuild(docs);
    else this.faq = new FaqService(this.d.analyzer, this.d.model, docs);
    this.d.log.info({ event: 'index_built', sections: docs.length });
  }

  /** Rebuilds in the background (an answer was saved as FAQ); a failure is logged. */
  rebuildSoon(): void {
    void this.rebuild().catch((err: Error) => this.d.log.error({ event: 'index_rebuild_failed', err: err.message }));
  }

  /** Starts a crawl unless one runs on any instance; the tab and the schedule use it. */
  async startCrawl(): Promise<void> {
    await this.claimAndStart();
  }

  /** Runs a crawl now and waits for it (or returns at once when another instance is crawling). */
  async recrawl(): Promise<void> {
    const run = await this.claimAndStart();
    if (run) await run.done;
    else this.d.log.info({ event: 'crawl_running_elsewhere' });
  }

  /** The running (or last) crawl's status: this instance's while it crawls, else the store's. */
  async crawlStatus(): Promise<CrawlStatusRecord> {
    return this.crawling ? { ...this.status } : (await this.d.store.getCrawlStatus()) ?? { ...this.status };
  }

  /** Stops the timers; no new crawl starts from now on. */
  stop(): void {
    this.closing = true;
    if (this.schedule) clearInterval(this.schedule);
    if (this.contentPoll) clearInterval(this.contentPoll);
  }

  /** stop(), then waits for the crawl and the first build in flight (their failures are already logged). */
  async close(): Promise<void> {
    this.stop();
    await this.starting?.catch(() => undefined);
    await this.crawling?.catch(() => undefined);
    await this.ready?.catch(() => undefined);
  }

  private async followContent(): Promise<void> {
    if (this.faq && (await this.d.store.contentVersion()) !== this.contentSeen) {
      this.d.log.info({ event: 'content_changed_elsewhere' });
      await this.rebuild();
    }
  }

  private publishStatus(force = false): Promise<void> {
    if (!force && Date.now() - this.statusWritten < 500) return this.statusChain;
    this.statusWritten = Date.now();
    const snapshot = { ...this.status };
    this.statusChain = this.statusChain.then(() => this.d.store.saveCrawlStatus(snapshot)).catch((err: Error) => this.d.log.warn({ event: 'crawl_status_not_saved', err: err.message }));
    return this.statusChain;
  }

  /**
   * Starts a crawl if no instance runs one: resolves to the running crawl once its status is
   * stored as running (so every instance shows it), or to undefined when another instance holds
   * the claim. One crawl at a time across all instances: a crawl starts only with the store's
   * claim (PostgreSQL: an advisory lock; lowdb: one process).
   */
  private claimAndStart(): Promise<RunningCrawl | undefined> {
    if (this.crawling) return Promise.resolve({ done: this.crawling });
    this.starting ??= (async () => {
      try {
        const claim = await this.d.store.claimCrawl();
        if (!claim) return undefined;
        Object.assign(this.status, { running: true, startedAt: new Date().toISOString(), finishedAt: undefined, progress: undefined, error: undefined });
        await this.publishStatus(true);
        const run = this.runCrawl(claim);
        this.crawling = run;
        run.catch((err: Error) => this.d.log.error({ event: 'crawl_failed', err: err.message }));
        return { done: run };
      } finally {
        this.starting = undefined;
      }
    })();
    return this.starting;
  }

  private async runCrawl(claim: CrawlClaim): Promise<void> {
    const { store, log } = this.d;
    try {
      const result = await ingestSite(store, { startUrl: this.d.siteUrl, concurrency: this.d.crawl.concurrency, delayMs: this.d.crawl.delayMs, onProgress: (p) => { this.status.progress = p; void this.publishStatus(); } });
      log.info({ event: 'crawl_done', fetched: result.report.fetched, new: result.report.new, changed: result.report.changed, removed: result.report.removed, failed: result.report.failed.length, ms: result.report.durationMs });
      if (result.upserted.length || result.removed.length || !this.faq) await this.rebuild();
      if (this.d.debugReports) log.debug({ event: 'crawl_report', report: formatReport(result.report) });
    } catch (err) {
      this.status.error = (err as Error).message;
      throw err;
    } finally {
      Object.assign(this.status, { running: false, finishedAt: new Date().toISOString() });
      await this.publishStatus(true);
      await claim.release().catch((err: Error) => log.warn({ event: 'crawl_claim_not_released', err: err.message }));
      this.crawling = undefined;
    }
  }
}
