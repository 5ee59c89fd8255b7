/**
 * Builds the running app from a validated config and wires its parts: the store, the FAQ runtime
 * (with the bundled demo site when no county site is configured), tickets, booking, the tab, the
 * bot, the HTTP server and the timers. It runs nothing itself: the parts do (src/faq/runtime.ts,
 * src/ops/housekeeping.ts, src/http/*). `src/index.ts` calls it with the real environment; tests
 * call it with their own config on port 0.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { TeamsAdapter } from './bot/adapter.js';
import { BookingEdge } from './bot/booking-edge.js';
import { makeBookingAnnouncer } from './bot/booking-announcer.js';
import express from 'express';
import { BookingService } from './booking/booking-service.js';
import { DEMO_COUNSELLORS_FILE, loadCounsellors, type Counsellor } from './booking/counsellors.js';
import { seedDemoCalendar } from './calendar/demo-seed.js';
import { EmbeddedCalendar } from './calendar/embedded-calendar.js';
import { GraphCalendar } from './calendar/graph-calendar.js';
import { GraphChangeNotifications } from './calendar/graph-notifications.js';
import type { Calendar } from './calendar/calendar.js';
import { Roster } from './bot/roster.js';
import { makeAnnouncer, makeCardRefresher } from './bot/ticket-announcer.js';
import { TicketEdge } from './bot/ticket-edge.js';
import { ticketTexts } from './text/tickets.nb.js';
import { SECTION_LABELS } from './tickets/model.js';
import { VeiviserBot } from './bot/veiviser-bot.js';
import { BotSender } from './outbox/bot-sender.js';
import { OutboxWorker } from './outbox/outbox.js';
import { TicketService } from './tickets/ticket-service.js';
import type { Config } from './config.js';
import { startDemoSite, type DemoSite } from './demosite/server.js';
import { loadCurated, type CuratedEntry, type FaqService } from './faq/faq-service.js';
import { decisionSummary, loadDecisionModel } from './faq/decision-model.js';
import { FaqRuntime } from './faq/runtime.js';
import { graphWebhookRoute, GRAPH_WEBHOOK_PATH } from './http/graph-webhook-route.js';
import { IcsLinks, icsRoute } from './http/ics-route.js';
import { openStore } from './store/open.js';
import { startPage } from './start-page.js';
import { Analyzer, loadLexicon } from './faq/text.js';
import { createServer } from './server.js';
import { Housekeeping } from './ops/housekeeping.js';
import { Metrics } from './ops/metrics.js';
import { readinessChecks } from './ops/readiness.js';
import { sharedLimitStore } from './ops/rate-limit-store.js';
import type { Store } from './store/store.js';
import { TeamDirectory } from './bot/team-directory.js';
import { createTabApi } from './tab/api.js';
import { createBookingApi } from './tab/booking-api.js';
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
  const site = await openSite(config, log);
  const faq = new FaqRuntime({
    store, log, analyzer: new Analyzer(loadLexicon(config.lexiconFile)), model: loadDecisionModel(config.decisionModelFile),
    siteUrl: site.url, curated: site.curated, contactUrl: site.contactUrl,
    savedAnswerHeading: (section) => `${ticketTexts.faqHeading}: ${SECTION_LABELS[section]}`,
    // The bundled demo site is our own loopback server: no politeness delay needed there.
    crawl: { concurrency: config.crawlConcurrency, delayMs: site.demo ? 0 : config.crawlDelayMs },
    recrawlMinutes: config.recrawlMinutes, contentPollSeconds: config.contentPollSeconds, debugReports: config.env !== 'test',
  });
  const ready = faq.start();
  const adapter = new TeamsAdapter(config.bot, log);
  const roster = new Roster();
  // One clock for the ticket and booking rules (tests may move it).
  const clock = overrides.clock ?? (() => new Date());
  const { tickets, worker } = ticketRules(config, { store, adapter, roster, clock, log });
  worker.start();
  const extraRoutes = express.Router();
  extraRoutes.use(startPage({ siteUrl: site.url, demoSite: Boolean(site.demo), production: config.env === 'production' }));
  const booking = await bookingParts(config, { store, clock, log, worker, routes: extraRoutes, calendar: overrides.calendar });
  const housekeeping = new Housekeeping({ store, tickets, bookings: booking.bookings, notifications: booking.notifications, kick: () => worker.kick(), clock, log, rules: config });
  housekeeping.start();
  const ticketEdge = new TicketEdge({ tickets, store, roster, log, adminIds: config.adminIds, reopenDays: config.reopenDays, kick: () => worker.kick(), onFaqSaved: () => faq.rebuildSoon() });
  const directory = new TeamDirectory({ turns: adapter, store, roster });
  extraRoutes.use(await tabRoutes(config, overrides, { store, tickets, log, clock, faq, site, directory, worker, counsellors: booking.counsellors, bookings: booking.bookings }));
  const metrics = new Metrics(store);
  const bot = new VeiviserBot({ onQuestion: (outcome) => metrics.questions.inc({ outcome }), faq: () => faq.current(), store, log, allowedTenantIds: config.allowedTenantIds, contactUrl: () => site.contactUrl, maxMessageLength: config.maxMessageLength, tickets: ticketEdge, booking: booking.bookingEdge });
  const app = createServer({
    bot: adapter.endpoint(bot), log, isReady: () => Boolean(faq.current()), routes: extraRoutes, metrics, readiness: readinessChecks(store, booking.calendar, booking.counsellors),
    rateLimitPerMinute: config.rateLimitPerMinute, metricsToken: config.metricsToken, requireAuth: Boolean(config.bot), trustProxyHops: config.trustProxyHops,
    rateLimitStore: sharedLimitStore(store, 'msg:'),
  });
  const { server, url } = await listen(app, config);
  booking.icsLinks.listeningAt(url);
  void booking.notifications?.start();
  log.info({ event: 'listening', url, anonymous: !config.bot });
  return {
    url,
    siteUrl: site.url,
    faq: () => faq.current(),
    store,
    bookings: booking.bookings,
    tickets,
    demoSite: site.demo,
    ready,
    recrawl: () => faq.recrawl(),
    housekeep: () => housekeeping.run(),
    async close() {
      faq.stop();
      housekeeping.stop();
      booking.notifications?.stop();
      try {
        await worker.stop();
        await new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        });
        await housekeeping.settled();
        await faq.close();
        await site.demo?.close();
      } finally {
        // Always: the store's last writes, and (lowdb) the data directory's lock.
        await store.close();
      }
    },
  };
}

/** The site the FAQ is built from: the configured county site, or the bundled demo site (started here). */
interface FaqSite {
  url: string;
  demo?: DemoSite;
  curated: CuratedEntry[];
  /** Where the escalate outcome and the answers saved as FAQ send people. */
  contactUrl: string;
}

async function openSite(config: Config, log: Logger): Promise<FaqSite> {
  let demo: DemoSite | undefined;
  let url = config.siteUrl;
  let curatedFile = config.curatedFile;
  if (!url) {
    demo = await startDemoSite(config.demoSitePort);
    url = demo.url;
    curatedFile ??= existsSync(DEMO_CURATED_FILE) ? DEMO_CURATED_FILE : undefined;
    log.info({ event: 'demo_site_started', url }, 'bundled demo county site');
  }
  const curated: CuratedEntry[] = curatedFile ? loadCurated(curatedFile) : [];
  return { url, demo, curated, contactUrl: config.contactUrl ?? new URL('/om-oss/kontakt', url).href };
}

/** Tickets: the service writes each change with its outbox messages; the worker (not yet started) delivers them. */
function ticketRules(config: Config, p: { store: Store; adapter: TeamsAdapter; roster: Roster; clock: () => Date; log: Logger }): { tickets: TicketService; worker: OutboxWorker } {
  const { store, adapter, roster, clock, log } = p;
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
    sender: new BotSender({ adapter: adapter.cloud, botAppId: adapter.botAppId, store, log }),
    log,
    pollMs: config.outboxPollMs,
    onPermanentFailure: async (msg, failure) => {
      // A failed message to the veileder is shown on the channel card; a failed channel card is
      // only recorded (updating the card that cannot be delivered would fail again).
      if (msg.ticketId && failure.cause !== 'dependency') await tickets.markDeliveryProblem(msg.ticketId, failure.reason, { announce: !msg.conversationKey.startsWith('channel:') });
    },
  });
  return { tickets, worker };
}

interface BookingParts {
  counsellors: Counsellor[];
  calendar: Calendar;
  bookings: BookingService;
  bookingEdge: BookingEdge;
  icsLinks: IcsLinks;
  /** Graph change notifications, when the calendar is Graph's and the app has a public address. */
  notifications?: GraphChangeNotifications;
}

/** Booking: the counsellors' calendars in Graph, or the embedded calendar seeded with demo appointments; mounts the .ics and Graph webhook routes. */
async function bookingParts(config: Config, p: { store: Store; clock: () => Date; log: Logger; worker: OutboxWorker; routes: express.Router; calendar?: Calendar }): Promise<BookingParts> {
  const { store, clock, log, worker } = p;
  const counsellors = await loadCounsellors(config.counsellorsFile ?? DEMO_COUNSELLORS_FILE);
  let calendar: Calendar;
  if (p.calendar) calendar = p.calendar;
  else if (config.graph) calendar = new GraphCalendar({ ...config.graph, logger: log });
  else {
    calendar = new EmbeddedCalendar(store);
    if (!config.counsellorsFile) await seedDemoCalendar(store, counsellors, new Date());
  }
  // Signed links to a confirmed talk's .ics file, for a bruker without Teams.
  const icsSecret = await store.secret('ics');
  const icsLinks = new IcsLinks(icsSecret, config.publicBaseUrl);
  const icsUrl = icsLinks.url;
  p.routes.use(icsRoute(store, icsSecret));
  const bookings = new BookingService({
    store, calendar, clock, holdHours: config.booking.holdHours, bufferMinutes: config.booking.bufferMinutes,
    announce: makeBookingAnnouncer({ icsUrl }),
  });
  // Graph change notifications (moved/deleted in Outlook) need a public HTTPS address.
  let notifications: GraphChangeNotifications | undefined;
  if (calendar instanceof GraphCalendar && config.publicBaseUrl) {
    notifications = new GraphChangeNotifications({
      api: calendar, mailboxes: counsellors.map((c) => c.mailbox), notificationUrl: `${config.publicBaseUrl}${GRAPH_WEBHOOK_PATH}`,
      clientState: await store.secret('graph-client-state'), log,
      onChange: () => void bookings.syncWithCalendar().catch((err: Error) => log.error({ event: 'calendar_sync_failed', err: err.message })),
    });
    p.routes.use(graphWebhookRoute(notifications));
  }
  const bookingEdge = new BookingEdge({
    service: bookings, calendar, store, counsellors, log, trustCounsellorClaims: !config.bot,
    notice: { workingDays: config.booking.noticeWorkingDays, periodWorkingDays: config.booking.periodWorkingDays, bufferMinutes: config.booking.bufferMinutes },
    kick: () => worker.kick(),
    clock,
    icsUrl,
    veilederCalendarTenants: config.veilederCalendarTenantIds,
  });
  return { counsellors, calendar, bookings, bookingEdge, icsLinks, notifications };
}

/** The tab: the same services behind /api/tab/*, authenticated by Teams SSO (or, locally, a development login), and its page. */
async function tabRoutes(config: Config, overrides: AppOverrides, p: { store: Store; tickets: TicketService; log: Logger; clock: () => Date; faq: FaqRuntime; site: FaqSite; directory: TeamDirectory; worker: OutboxWorker; counsellors: Counsellor[]; bookings: BookingService }): Promise<express.Router> {
  const { store, tickets, log, clock, faq, site, directory, worker, counsellors, bookings } = p;
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
  const routes = express.Router();
  routes.use(createTabPage(tabClient()));
  routes.use(createTabApi({
    auth: tabAuth, store, tickets, log, counsellors, clock, topicLabels: () => faq.topicLabels(), rateLimitPerMinute: config.rateLimitPerMinute * 5,
    rateLimitStore: sharedLimitStore(store, 'tab:'),
    roster: directory,
    settings: () => ({ siteUrl: site.url, demoSite: Boolean(site.demo), curatedEntries: site.curated.length, decision: decisionSummary(faq.decisionModel()), recrawlMinutes: config.recrawlMinutes, counsellorsFile: config.counsellorsFile ?? 'src/booking/counsellors.demo.json' }),
    crawl: {
      start: () => faq.startCrawl(),
      status: () => faq.crawlStatus(),
    },
    kick: () => worker.kick(),
    onFaqSaved: () => faq.rebuildSoon(),
    bookingRoutes: (signedIn) => createBookingApi({ signedIn, service: bookings, store, log, kick: () => worker.kick() }),
  }));
  return routes;
}

/** Listens on the configured host and port (0: any free port); the address to reach it at. */
async function listen(app: express.Express, config: Config): Promise<{ server: Server; url: string }> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once('error', reject);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  return { server, url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}` };
}
