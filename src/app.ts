/**
 * Builds the running app from a validated config: store, FAQ (with the bundled demo site when
 * no county site is configured), bot, HTTP server and the re-crawl schedule. `src/index.ts`
 * calls it with the real environment; tests call it with their own config on port 0.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import type { Logger } from 'pino';
import { nb } from './bot/messages.nb.js';
import { BookingEdge, makeBookingAnnouncer } from './bot/booking-edge.js';
import express from 'express';
import { BookingService } from './booking/booking-service.js';
import { bookingIcs, icsSignature, verifyIcsSignature } from './booking/ics.js';
import type { Booking } from './booking/model.js';
import { DEMO_COUNSELLORS_FILE, loadCounsellors } from './booking/counsellors.js';
import { seedDemoCalendar } from './calendar/demo-seed.js';
import { EmbeddedCalendar } from './calendar/embedded-calendar.js';
import { GraphCalendar } from './calendar/graph-calendar.js';
import { GraphChangeNotifications } from './calendar/graph-notifications.js';
import type { Calendar } from './calendar/calendar.js';
import { Roster } from './bot/roster.js';
import { makeAnnouncer, makeCardRefresher } from './bot/ticket-announcer.js';
import { TicketEdge } from './bot/ticket-edge.js';
import { ticketTexts } from './bot/ticket-texts.nb.js';
import { SECTION_LABELS } from './tickets/model.js';
import { VeiviserBot } from './bot/veiviser-bot.js';
import { BotSender } from './outbox/bot-sender.js';
import { OutboxWorker } from './outbox/outbox.js';
import { TicketService } from './tickets/ticket-service.js';
import type { Config } from './config.js';
import { startDemoSite, type DemoSite } from './demosite/server.js';
import { FaqService, loadCurated, toDocs, type CuratedEntry } from './faq/faq-service.js';
import { decisionSummary, loadDecisionModel } from './faq/decision-model.js';
import { openStore } from './store/open.js';
import { startPage } from './start-page.js';
import { formatReport, ingestSite } from './faq/ingest.js';
import { Analyzer, loadLexicon } from './faq/text.js';
import { createServer } from './server.js';
import { Metrics } from './ops/metrics.js';
import { topicLabels } from './stats/report.js';
import { PgRateLimitStore } from './ops/rate-limit-store.js';
import { PgStore } from './store/pg-store.js';
import type { CrawlClaim, Store } from './store/store.js';
import { TeamDirectory } from './bot/team-directory.js';
import { createTabApi, type CrawlStatus } from './tab/api.js';
import { TabAuth } from './tab/auth.js';
import { createTabPage, tabClient } from './tab/page.js';

export const DEMO_CURATED_FILE = fileURLToPath(new URL('../test/fixtures/demo-site/curated-qa.json', import.meta.url));

export interface App {
  url: string;
  siteUrl: string;
  faq: () => FaqService | undefined;
  store: Store;
  /** The booking rules (housekeeping runs them on a timer; tests may run them at once). */
  bookings: BookingService;
  /** Runs housekeeping once now (it also runs at start and every 10 minutes). */
  housekeep(): Promise<void>;
  /** The ticket rules (likewise: reminders and retention run on a timer). */
  tickets: TicketService;
  demoSite?: DemoSite;
  /** Resolves when the first index is built (after the first crawl when the store was empty). */
  ready: Promise<void>;
  /** Runs a crawl now and swaps in the new index. */
  recrawl(): Promise<void>;
  close(): Promise<void>;
}

/** Parts a caller may supply instead of the ones the config describes (tests: a Graph adapter on a loopback wire server). */
export interface AppOverrides {
  calendar?: Calendar;
  /** The ticket and booking rules' clock (tests: reminders, holds and retention at a chosen time). */
  clock?: () => Date;
  /** Where the tab's SSO signing keys are published (tests: a loopback JWKS server). */
  tabJwksUrl?: string;
}

export async function startApp(config: Config, log: Logger, overrides: AppOverrides = {}): Promise<App> {
  const store: Store = await openStore(config, log);
  const analyzer = new Analyzer(loadLexicon(config.lexiconFile));
  const model = loadDecisionModel(config.decisionModelFile);
  let demoSite: DemoSite | undefined;
  let siteUrl = config.siteUrl;
  let curatedFile = config.curatedFile;
  if (!siteUrl) {
    demoSite = await startDemoSite(config.demoSitePort);
    siteUrl = demoSite.url;
    curatedFile ??= existsSync(DEMO_CURATED_FILE) ? DEMO_CURATED_FILE : undefined;
    log.info({ event: 'demo_site_started', url: siteUrl }, 'bundled demo county site');
  }
  const curated: CuratedEntry[] = curatedFile ? loadCurated(curatedFile) : [];
  const contactUrl = config.contactUrl ?? new URL('/om-oss/kontakt', siteUrl).href;

  let faq: FaqService | undefined;
  let contentSeen = -1;
  // Topic names for the statistics, taken from the pages whenever the index is built.
  let labels = new Map<string, string>();
  const rebuild = async (): Promise<void> => {
    contentSeen = await store.contentVersion();
    // Answers the team saved as FAQ ("Lagre svaret som FAQ") are curated entries too.
    const saved: CuratedEntry[] = (await store.listTickets())
      .filter((t) => t.faq)
      .map((t) => ({ question: t.faq!.question, alternatives: [], answer: t.faq!.answer, url: contactUrl, heading: `${ticketTexts.faqHeading}: ${SECTION_LABELS[t.faq!.section]}`, updated: t.faq!.savedAt }));
    const pages = await store.listPages();
    labels = topicLabels(pages);
    const docs = toDocs(pages, [...curated, ...saved], siteUrl);
    if (faq) faq.rebuild(docs);
    else faq = new FaqService(analyzer, model, docs);
    log.info({ event: 'index_built', sections: docs.length });
  };
  // The crawl this instance runs, if any. One crawl at a time across all instances: a crawl
  // starts only with the store's claim (PostgreSQL: an advisory lock; lowdb: one process).
  let crawling: Promise<void> | undefined;
  let starting: Promise<{ done: Promise<void> } | undefined> | undefined;
  let closing = false;
  // The crawl's status is kept in the store, so that the tab shows it whichever instance it asks.
  const crawlStatus: CrawlStatus = { running: false };
  let statusWritten = 0;
  // One write after another, so that a late progress write never lands after "finished".
  let statusChain: Promise<void> = Promise.resolve();
  const publishStatus = (force = false): Promise<void> => {
    if (!force && Date.now() - statusWritten < 500) return statusChain;
    statusWritten = Date.now();
    const snapshot = { ...crawlStatus };
    statusChain = statusChain.then(() => store.saveCrawlStatus(snapshot)).catch((err: Error) => log.warn({ event: 'crawl_status_not_saved', err: err.message }));
    return statusChain;
  };
  const runCrawl = async (claim: CrawlClaim): Promise<void> => {
    try {
      // The bundled demo site is our own loopback server: no politeness delay needed there.
      const result = await ingestSite(store, { startUrl: siteUrl, concurrency: config.crawlConcurrency, delayMs: demoSite ? 0 : config.crawlDelayMs, onProgress: (p) => { crawlStatus.progress = p; void publishStatus(); } });
      log.info({ event: 'crawl_done', fetched: result.report.fetched, new: result.report.new, changed: result.report.changed, removed: result.report.removed, failed: result.report.failed.length, ms: result.report.durationMs });
      if (result.upserted.length || result.removed.length || !faq) await rebuild();
      if (config.env !== 'test') log.debug({ event: 'crawl_report', report: formatReport(result.report) });
    } catch (err) {
      crawlStatus.error = (err as Error).message;
      throw err;
    } finally {
      Object.assign(crawlStatus, { running: false, finishedAt: new Date().toISOString() });
      await publishStatus(true);
      await claim.release().catch((err: Error) => log.warn({ event: 'crawl_claim_not_released', err: err.message }));
      crawling = undefined;
    }
  };
  /**
   * Starts a crawl if no instance runs one: resolves to the running crawl once its status is
   * stored as running (so every instance shows it), or to undefined when another instance holds
   * the claim.
   */
  const startCrawl = (): Promise<{ done: Promise<void> } | undefined> => {
    if (crawling) return Promise.resolve({ done: crawling });
    starting ??= (async () => {
      try {
        const claim = await store.claimCrawl();
        if (!claim) return undefined;
        Object.assign(crawlStatus, { running: true, startedAt: new Date().toISOString(), finishedAt: undefined, progress: undefined, error: undefined });
        await publishStatus(true);
        const run = runCrawl(claim);
        crawling = run;
        run.catch((err: Error) => log.error({ event: 'crawl_failed', err: err.message }));
        return { done: run };
      } finally {
        starting = undefined;
      }
    })();
    return starting;
  };
  /** Runs a crawl now and waits for it (or returns at once when another instance is crawling). */
  const recrawl = async (): Promise<void> => {
    const run = await startCrawl();
    if (run) await run.done;
    else log.info({ event: 'crawl_running_elsewhere' });
  };
  const ready = (async () => {
    // An empty store: the first crawl builds the index. Instances started together: one crawls,
    // the others wait for its pages (checked twice a second until that crawl has ended).
    while (!closing && (await store.listPages()).length === 0) {
      const run = await startCrawl();
      if (run) {
        await run.done;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    if (!faq && !closing) await rebuild();
  })();
  ready.catch((err: Error) => log.error({ event: 'first_index_failed', err: err.message }));

  // Several instances: each one's index follows content changed through another (PostgreSQL).
  const contentPoll = config.database
    ? setInterval(() => void (async () => {
      if (faq && (await store.contentVersion()) !== contentSeen) {
        log.info({ event: 'content_changed_elsewhere' });
        await rebuild();
      }
    })().catch((err: Error) => log.warn({ event: 'content_poll_failed', err: err.message })), config.contentPollSeconds * 1000)
    : undefined;
  contentPoll?.unref();
  /** Starts a crawl unless one runs on any instance; the tab and the schedule use it. */
  const startCrawlOnce = async (): Promise<void> => {
    await startCrawl();
  };
  const timer = config.recrawlMinutes > 0
    ? setInterval(() => void startCrawlOnce().catch((err: Error) => log.error({ event: 'crawl_failed', err: err.message })), config.recrawlMinutes * 60_000)
    : undefined;
  timer?.unref();

  const authOptions: ConfigurationBotFrameworkAuthenticationOptions = config.bot
    ? { MicrosoftAppId: config.bot.appId, MicrosoftAppPassword: config.bot.password ?? '', MicrosoftAppType: config.bot.appType, MicrosoftAppTenantId: config.bot.tenantId ?? '' }
    : {};
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication(authOptions));
  adapter.onTurnError = async (ctx, err) => {
    log.error({ event: 'turn_error', err: err.message, type: ctx.activity.type });
    if (ctx.activity.type === 'message') await ctx.sendActivity(nb.error).catch(() => undefined);
  };
  // Tickets: the service writes each change with its outbox messages; the worker delivers them.
  const roster = new Roster();
  // One clock for the ticket and booking rules (tests may move it).
  const clock = overrides.clock ?? (() => new Date());
  // Outbox messages are stamped with the real time: the worker delivers by the real clock.
  const announcerDeps = { clock: () => new Date(), refreshUserIds: (teamId: string | undefined) => (teamId ? roster.cachedIds(teamId) : []), members: (teamId: string | undefined) => (teamId ? roster.cachedMembers(teamId) : []), reopenDays: config.reopenDays };
  const tickets = new TicketService({
    store,
    clock,
    reopenDays: config.reopenDays,
    announce: makeAnnouncer(announcerDeps),
    refreshCards: makeCardRefresher(announcerDeps),
  });
  const worker = new OutboxWorker({
    store,
    sender: new BotSender({ adapter, botAppId: config.bot?.appId ?? '', store, log }),
    log,
    pollMs: config.outboxPollMs,
    onPermanentFailure: async (msg, failure) => {
      // A failed message to the veileder is shown on the channel card; a failed channel card is
      // only recorded (updating the card that cannot be delivered would fail again).
      if (msg.ticketId && failure.cause !== 'dependency') await tickets.markDeliveryProblem(msg.ticketId, failure.reason, { announce: !msg.conversationKey.startsWith('channel:') });
    },
  });
  worker.start();
  // Booking: the counsellors' calendars in Graph, or the embedded calendar seeded with demo appointments.
  const counsellors = await loadCounsellors(config.counsellorsFile ?? DEMO_COUNSELLORS_FILE);
  let calendar: Calendar;
  if (overrides.calendar) calendar = overrides.calendar;
  else if (config.graph) calendar = new GraphCalendar({ ...config.graph, logger: log });
  else {
    calendar = new EmbeddedCalendar(store);
    if (!config.counsellorsFile) await seedDemoCalendar(store, counsellors, new Date());
  }
  // Signed links to a confirmed talk's .ics file, for a bruker without Teams.
  const icsSecret = await store.secret('ics');
  let publicBase = config.publicBaseUrl ?? '';
  const icsUrl = (b: Booking): string => `${publicBase}/ics/${b.id}.ics?sig=${icsSignature(icsSecret, b.id)}`;
  const extraRoutes = express.Router();
  extraRoutes.use(startPage({ siteUrl, demoSite: Boolean(demoSite), production: config.env === 'production' }));
  extraRoutes.get('/ics/:file', async (req, res) => {
    const id = /^(TS-\d{4}-\d{4,6})\.ics$/.exec(String(req.params.file))?.[1];
    const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
    const b = id && verifyIcsSignature(icsSecret, id, sig) ? await store.getBooking(id) : undefined;
    if (!b || (b.state !== 'bekreftet' && b.state !== 'avlyst')) {
      res.status(404).type('text/plain').send('Fant ikke kalenderfila.');
      return;
    }
    res.type('text/calendar; charset=utf-8').set('content-disposition', `attachment; filename="${b.id}.ics"`).send(bookingIcs(b, new Date()));
  });
  const bookings = new BookingService({
    store, calendar, clock, holdHours: config.booking.holdHours, bufferMinutes: config.booking.bufferMinutes,
    announce: makeBookingAnnouncer({ icsUrl }),
  });
  // Graph change notifications (moved/deleted in Outlook) need a public HTTPS address.
  let notifications: GraphChangeNotifications | undefined;
  if (calendar instanceof GraphCalendar && config.publicBaseUrl) {
    notifications = new GraphChangeNotifications({
      api: calendar, mailboxes: counsellors.map((c) => c.mailbox), notificationUrl: `${config.publicBaseUrl}/api/graph/notifications`,
      clientState: await store.secret('graph-client-state'), log,
      onChange: () => void bookings.syncWithCalendar().catch((err: Error) => log.error({ event: 'calendar_sync_failed', err: err.message })),
    });
    const hook = notifications;
    extraRoutes.post('/api/graph/notifications', express.json({ limit: '1mb' }), (req, res) => {
      const answer = hook.handle(req.query as Record<string, unknown>, req.body);
      res.status(answer.status);
      if (answer.contentType) res.type(answer.contentType);
      res.send(answer.body ?? '');
    });
  }
  const bookingEdge = new BookingEdge({
    service: bookings, calendar, store, counsellors, log, trustCounsellorClaims: !config.bot,
    notice: { workingDays: config.booking.noticeWorkingDays, periodWorkingDays: config.booking.periodWorkingDays, bufferMinutes: config.booking.bufferMinutes },
    kick: () => worker.kick(),
    clock,
    icsUrl,
    veilederCalendarTenants: config.veilederCalendarTenantIds,
  });

  // Reminders, retention and the rest: at start, then every 10 minutes (unref'd; idempotent).
  const day = 86_400_000;
  const housekeep = async (): Promise<void> => {
    const now = clock().getTime();
    if (config.reminderHours > 0) await tickets.remindUntaken(config.reminderHours);
    if (config.autoCloseDays > 0) await tickets.closeIdleAnswered(config.autoCloseDays);
    await tickets.redactClosed(config.retentionDays);
    await store.redactQuestionTexts(new Date(now - config.questionTextRetentionDays * day).toISOString());
    // Settled messages go after OUTBOX_KEEP_DAYS, but not the cards of tickets whose text is still
    // there (a later change updates them), nor anything a waiting message depends on.
    const keep = new Set<string>();
    for (const t of await store.listTickets()) {
      if (t.redactedAt) continue;
      if (t.channel?.cardMessageId) keep.add(t.channel.cardMessageId);
      for (const m of await store.listTicketCards(t.id)) keep.add(m.id);
    }
    for (const m of await store.listUndeliveredOutbox()) for (const dep of [m.replaces, m.threadOf]) if (dep) keep.add(dep);
    await store.pruneOutbox(new Date(now - config.outboxKeepDays * day).toISOString(), [...keep]);
    await bookings.expireHolds();
    await bookings.syncWithCalendar();
    await notifications?.renew();
    await bookings.sendReminders(24);
    if (store instanceof PgStore) await store.rateLimitPrune();
    worker.kick();
  };
  let housekeepingRun: Promise<void> = Promise.resolve();
  const runHousekeeping = (): Promise<void> => {
    housekeepingRun = housekeepingRun.then(housekeep).catch((err: Error) => log.error({ event: 'housekeeping_failed', err: err.message }));
    return housekeepingRun;
  };
  void runHousekeeping();
  const housekeeping = setInterval(() => void runHousekeeping(), 10 * 60_000);
  housekeeping.unref();
  const ticketEdge = new TicketEdge({ tickets, store, roster, log, adminIds: config.adminIds, reopenDays: config.reopenDays, kick: () => worker.kick(), onFaqSaved: () => void rebuild().catch((err: Error) => log.error({ event: 'index_rebuild_failed', err: err.message })) });
  // The tab: the same services behind /api/tab/*, authenticated by Teams SSO (or, locally, a development login).
  const directory = new TeamDirectory({ adapter, botAppId: config.bot?.appId ?? '', store, roster });
  const publicHost = config.publicBaseUrl ? new URL(config.publicBaseUrl).host : undefined;
  const tabAuth = new TabAuth({
    ssoAppId: config.tab.ssoAppId,
    audiences: config.tab.ssoAppId && publicHost ? [`api://${publicHost}/${config.tab.ssoAppId}`] : [],
    tenants: config.allowedTenantIds.length ? config.allowedTenantIds : config.bot?.tenantId ? [config.bot.tenantId] : [],
    jwksUrl: overrides.tabJwksUrl,
    adminIds: config.adminIds,
    groups: config.tab.groups,
    membership: (id) => directory.membership(id),
    // Local mode only: never with NODE_ENV=production, never with bot credentials.
    devSecret: config.env !== 'production' && !config.bot ? await store.secret('tab-dev-login') : undefined,
  });
  extraRoutes.use(createTabPage(tabClient()));
  extraRoutes.use(createTabApi({
    auth: tabAuth, store, tickets, log, counsellors, clock, topicLabels: () => labels, rateLimitPerMinute: config.rateLimitPerMinute * 5,
    rateLimitStore: store instanceof PgStore ? new PgRateLimitStore(store, 'tab:') : undefined,
    roster: directory,
    settings: () => ({ siteUrl, demoSite: Boolean(demoSite), curatedEntries: curated.length, decision: decisionSummary(faq?.model ?? model), recrawlMinutes: config.recrawlMinutes, counsellorsFile: config.counsellorsFile ?? 'src/booking/counsellors.demo.json' }),
    crawl: {
      start: startCrawlOnce,
      status: async () => (crawling ? { ...crawlStatus } : (await store.getCrawlStatus()) ?? { ...crawlStatus }),
    },
    kick: () => worker.kick(),
    onFaqSaved: () => void rebuild().catch((err: Error) => log.error({ event: 'index_rebuild_failed', err: err.message })),
  }));
  const metrics = new Metrics(store);
  const bot = new VeiviserBot({ onQuestion: (outcome) => metrics.questions.inc({ outcome }), faq: () => faq, store, log, allowedTenantIds: config.allowedTenantIds, contactUrl: () => contactUrl, maxMessageLength: config.maxMessageLength, tickets: ticketEdge, booking: bookingEdge });
  // Readiness: the store answers, and the calendar answers a one-hour free/busy question (cached 30 s).
  let calendarOkAt = 0;
  const readiness = [
    { name: 'store', check: () => store.ping() },
    {
      name: 'calendar',
      check: async () => {
        if (Date.now() - calendarOkAt < 30_000 || counsellors.length === 0) return;
        const now = new Date();
        await calendar.getSchedules([counsellors[0].mailbox], now, new Date(now.getTime() + 3_600_000));
        calendarOkAt = Date.now();
      },
    },
  ];
  const app = createServer({ adapter, bot, log, isReady: () => Boolean(faq), routes: extraRoutes, metrics, readiness, rateLimitPerMinute: config.rateLimitPerMinute, metricsToken: config.metricsToken, requireAuth: Boolean(config.bot), trustProxyHops: config.trustProxyHops, rateLimitStore: store instanceof PgStore ? new PgRateLimitStore(store, 'msg:') : undefined });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  publicBase ||= url;
  void notifications?.start();
  log.info({ event: 'listening', url, anonymous: !config.bot });
  return {
    url,
    siteUrl,
    faq: () => faq,
    store,
    bookings,
    tickets,
    demoSite,
    ready,
    recrawl,
    housekeep: runHousekeeping,
    async close() {
      closing = true;
      if (timer) clearInterval(timer);
      if (contentPoll) clearInterval(contentPoll);
      clearInterval(housekeeping);
      notifications?.stop();
      try {
        await worker.stop();
        await new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
        await housekeepingRun;
        await starting?.catch(() => undefined);
        await crawling?.catch(() => undefined);
        await ready.catch(() => undefined);
        await demoSite?.close();
      } finally {
        // Always: the store's last writes, and (lowdb) the data directory's lock.
        await store.close();
      }
    },
  };
}
