/**
 * The tab's JSON API (/api/tab/*): the queue, bookings, statistics, settings and re-crawl, over
 * the same services the bot uses. Every request is authenticated (TabAuth). A ticket action is a
 * translation: request in, the ticket command (src/tickets/commands/, the card's commands, with
 * the team roster as its TeamRoster port) run, JSON out; a refusal maps to a status in one place
 * (ticketRefusal). Actions carry the version the user was shown, so a stale action changes nothing
 * and returns the ticket as it is now; a change is announced like one made on the card.
 */
import { topicLabel } from '../booking/counsellors.js';
import { bookingTexts } from '../text/booking.nb.js';
import type { BookingState } from '../booking/model.js';
import { situationFacts } from '../bot/ticket-cards.js';
import type { DecisionSummary } from '../faq/decision-model.js';
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Counsellor } from '../booking/counsellors.js';
import { ACTIVE_BOOKING_STATES, BOOKING_STATES, type Booking } from '../booking/model.js';
import type { CrawlReport } from '../faq/crawler.js';
import { statisticsReport, REPORT_RANGES, topicFromUrl, type StatisticsReport } from '../stats/report.js';
import { toCsv } from '../stats/statistics.js';
import type { CrawlStatusRecord, Store } from '../store/store.js';
import { OPEN_STATES, SECTION_LABELS, SECTIONS, STATE_LABELS, STATES, type Ticket } from '../tickets/model.js';
import { DomainError, HTTP_STATUS } from '../domain-error.js';
import * as commands from '../tickets/commands/index.js';
import { myTickets } from '../tickets/queries.js';
import { memberId, NotTeamMemberError, teamMemberOf, type CommandActor, type Member, type TeamRoster } from '../tickets/team-roster.js';
import { StaleTicketError, type TicketService } from '../tickets/ticket-service.js';
import { TabAuth, TabAuthError, type TabRole, type TabUser } from './auth.js';
import { tabTexts } from '../text/tab.nb.js';
import { talkFields, talkRow } from './booking-api.js';

export type CrawlStatus = CrawlStatusRecord;

export interface TabApiDeps {
  auth: TabAuth;
  store: Store;
  tickets: TicketService;
  log: Logger;
  /** Who is on each team that receives tickets (the Teams roster, read through the bot). */
  roster: TeamRoster;
  counsellors: Counsellor[];
  /** Topic names per site section, as of the last index build (see topicLabels in stats/report.ts). */
  topicLabels: () => Map<string, string>;
  settings: () => { siteUrl: string; demoSite: boolean; curatedEntries: number; decision: DecisionSummary; recrawlMinutes: number; counsellorsFile: string };
  /** Re-crawl now (unless one runs, on any instance), and the shared status. */
  crawl: { start: () => Promise<void>; status: () => Promise<CrawlStatus> };
  /** After a ticket change: deliver its announcements now. */
  kick: () => void;
  onFaqSaved: () => void;
  clock: () => Date;
  /** The booking actions (booking-api.ts), mounted behind the same sign-in check. */
  bookingRoutes?: (signedIn: express.RequestHandler) => express.Router;
  /** Requests per signed-in user (token) per minute; 0 = no limit. */
  rateLimitPerMinute?: number;
  /** Where the limiter counts (PostgreSQL: shared); default memory. */
  rateLimitStore?: import('express-rate-limit').Store;
}

type Authed = Request & { user?: TabUser };

const TicketQuery = z.object({
  state: z.enum([...STATES, 'apne', 'alle']).default('apne'),
  section: z.enum(SECTIONS).optional(),
  region: z.string().max(80).optional(),
  owner: z.string().max(200).optional(),
  age: z.enum(['dag', 'uke', 'eldre']).optional(),
});
const BookingQuery = z.object({
  when: z.enum(['kommende', 'tidligere', 'alle']).default('kommende'),
  counsellor: z.string().max(200).optional(),
  office: z.string().max(200).optional(),
  state: z.enum(BOOKING_STATES).optional(),
});
const StatsQuery = z.object({ granularity: z.enum(['week', 'month']).default('week'), range: z.enum(REPORT_RANGES).default('3m') });
const ActionBody = z.object({
  version: z.number().int().min(1),
  text: z.string().max(4000).optional(),
  assignee: z.string().max(200).optional(),
});
/** The roles that edit content (the FAQ and the site): they may see example questions in the statistics. */
const CONTENT_ROLES: TabRole[] = ['team', 'admin'];
const VERBS = ['ta', 'tildel', 'svar', 'spor', 'lukk', 'lagre-faq'] as const;

function summary(t: Ticket, now: Date) {
  return {
    id: t.id, version: t.version, state: t.state, stateLabel: STATE_LABELS[t.state], section: t.section, sectionLabel: SECTION_LABELS[t.section],
    region: t.region, office: t.office, question: t.question.length > 240 ? `${t.question.slice(0, 239)}…` : t.question,
    owner: t.owner ? { id: t.owner.id, name: t.owner.name } : undefined, createdAt: t.createdAt, updatedAt: t.updatedAt,
    ageHours: Math.floor((now.getTime() - Date.parse(t.createdAt)) / 3_600_000),
  };
}

/** One talk in the bookings overview: who asked, how long it is held, and the meeting link. */
function bookingRow(b: Booking) {
  return { ...talkFields(b), veileder: b.veileder.name, holdUntil: b.holdUntil, joinUrl: b.event?.joinUrl };
}

/**
 * The one mapping of a refused ticket command to the tab's answer: a stale action is 409 with the
 * ticket as it is now; otherwise the code's status and the refusal's own words.
 */
function ticketRefusal(err: DomainError, now: Date): { status: number; body: { error: string; ticket?: ReturnType<typeof summary> } } {
  if (err instanceof StaleTicketError) {
    const last = err.current.history[err.current.history.length - 1];
    return { status: 409, body: { error: tabTexts.stale(last), ticket: summary(err.current, now) } };
  }
  return { status: HTTP_STATUS[err.code], body: { error: err.message } };
}

/** Local mode (the development login): every developer is on every team, alone. */
function selfRoster(user: TabUser): TeamRoster {
  const self: Member = { id: user.id, aadObjectId: user.id, name: user.name };
  const isSelf = (u: { id?: string; aadObjectId?: string }) => u.id === user.id || u.aadObjectId === user.id;
  return { member: async (_teamId, u) => (isSelf(u) ? self : undefined), members: async () => [self] };
}

/** The signed-in user as the commands check them against the roster (by AAD object id). */
function tabActor(user: TabUser): CommandActor {
  return { id: user.id, name: user.name, roster: { id: user.id, aadObjectId: user.id } };
}

function sendCsv(res: Response, name: string, csv: string): void {
  res.type('text/csv; charset=utf-8').set('content-disposition', `attachment; filename="${name}.csv"`).send(csv);
}

/** Who may reach a route (the signed-in user's roles), and the JSON body parser. */
type Guard = (req: Authed, res: Response, next: NextFunction) => Promise<void>;
interface Guards { json: ReturnType<typeof express.json>; anyone: Guard; any: Guard; team: Guard; admin: Guard }

export function createTabApi(d: TabApiDeps): express.Router {
  const r = express.Router();
  const json = express.json({ limit: '32kb' });
  if (d.rateLimitPerMinute) {
    r.use('/api/tab', rateLimit({
      windowMs: 60_000, limit: d.rateLimitPerMinute, standardHeaders: 'draft-8', legacyHeaders: false, store: d.rateLimitStore, passOnStoreError: true,
      keyGenerator: (req) => {
        const auth = req.get('authorization');
        return auth ? `t:${createHash('sha256').update(auth).digest('base64url').slice(0, 22)}` : `ip:${ipKeyGenerator(req.ip ?? '')}`;
      },
      handler: (_req, res) => {
        d.log.warn({ event: 'rate_limited', route: '/api/tab' });
        res.status(429).json({ error: tabTexts.rateLimited });
      },
    }));
  }

  // Open: how the page should sign in.
  r.get('/api/tab/config', (_req, res) => {
    res.json({ sso: d.auth.ssoEnabled, devLogin: d.auth.devLoginEnabled });
  });
  r.post('/api/tab/dev-login', json, (req, res) => {
    if (!d.auth.devLoginEnabled) {
      res.status(404).json({ error: tabTexts.devLogin.absent });
      return;
    }
    const body = z.object({ name: z.string().min(1).max(80), role: z.enum(['team', 'admin', 'leder', 'veileder']) }).safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: tabTexts.devLogin.incomplete });
      return;
    }
    const roles: TabRole[] = body.data.role === 'admin' ? ['admin', 'team'] : [body.data.role];
    d.log.info({ event: 'tab_dev_login', roles });
    res.json({ token: d.auth.devLogin(body.data.name, roles) });
  });

  const authed = (roles: TabRole[]) => async (req: Authed, res: Response, next: NextFunction) => {
    try {
      const user = await d.auth.identify(req.get('authorization'));
      if (!roles.some((x) => user.roles.includes(x))) throw new TabAuthError(403, tabTexts.auth.noAccess);
      req.user = user;
      next();
    } catch (err) {
      if (!(err instanceof TabAuthError)) return next(err);
      d.log.info({ event: 'tab_auth_refused', status: err.status });
      res.status(err.status).json({ error: err.message });
    }
  };
  const anyone = authed(['team', 'admin', 'leder', 'veileder']);
  const any = authed(['team', 'admin', 'leder']);
  const team = authed(['team', 'admin']);
  const admin = authed(['admin']);

  const guards: Guards = { json, anyone, any, team, admin };
  ticketRoutes(r, d, guards);
  bookingListRoutes(r, d, guards);
  statsRoutes(r, d, guards);
  settingsRoutes(r, d, guards);
  r.use('/api/tab', (err: Error, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof z.ZodError) {
      res.status(400).json({ error: tabTexts.invalidFilter });
      return;
    }
    next(err);
  });
  return r;
}

/** Mine saker (a veileder's own tickets and talks), the queue and a ticket's verbs: each verb is its command (src/tickets/commands/), refusals through ticketRefusal. */
function ticketRoutes(r: express.Router, d: TabApiDeps, { json, anyone, team }: Guards): void {
  r.get('/api/tab/me', anyone, (req: Authed, res) => {
    const u = req.user!;
    res.json({ name: u.name, roles: u.roles, mode: u.mode });
  });

  // "Mine saker": a veileder's own tickets and talks (everyone signed in has this view).
  r.get('/api/tab/mine', anyone, async (req: Authed, res) => {
    const me = req.user!.id;
    const now = d.clock();
    const tickets = await myTickets(d.store, me);
    const bookings = (await d.store.listBookings()).filter((b) => b.veileder.id === me).sort((a, b) => b.start.localeCompare(a.start));
    res.json({
      tickets: tickets.map((t) => ({ ...summary(t, now), answer: t.answer ? { text: t.answer.text, by: t.answer.by.name, at: t.answer.at } : undefined, pendingQuestion: t.pendingQuestion ? { text: t.pendingQuestion.text, by: t.pendingQuestion.by.name } : undefined })),
      // With its version and whether it can still be cancelled (the talk's own actions: booking-api.ts).
      bookings: bookings.map(talkRow),
    });
  });

  const filterTickets = (all: Ticket[], query: unknown) => {
    const q = TicketQuery.parse(query);
    const now = d.clock();
    return all
      .filter((t) => (q.state === 'alle' ? true : q.state === 'apne' ? OPEN_STATES.includes(t.state) : t.state === q.state))
      .filter((t) => !q.section || t.section === q.section)
      .filter((t) => !q.region || (t.region ?? '').toLowerCase() === q.region.toLowerCase())
      .filter((t) => !q.owner || (q.owner === 'ingen' ? !t.owner : t.owner?.id === q.owner))
      .filter((t) => {
        if (!q.age) return true;
        const h = (now.getTime() - Date.parse(t.createdAt)) / 3_600_000;
        return q.age === 'dag' ? h < 24 : q.age === 'uke' ? h >= 24 && h < 24 * 7 : h >= 24 * 7;
      })
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((t) => summary(t, now));
  };
  r.get('/api/tab/tickets', team, async (req: Authed, res) => {
    const all = await d.store.listTickets();
    const rows = filterTickets(all, req.query);
    const owners = new Map(all.filter((t) => t.owner).map((t) => [t.owner!.id, t.owner!.name]));
    res.json({
      tickets: rows,
      facets: {
        regions: [...new Set(all.map((t) => t.region).filter(Boolean))].sort(),
        owners: [...owners.entries()].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'nb')),
        sections: SECTIONS.map((s) => ({ id: s, label: SECTION_LABELS[s] })),
        states: STATES.map((s) => ({ id: s, label: STATE_LABELS[s] })),
      },
      me: req.user!.id,
    });
  });
  r.get('/api/tab/tickets.csv', team, async (req, res) => {
    const rows = filterTickets(await d.store.listTickets(), req.query);
    sendCsv(res, 'saker', toCsv(['Sak', 'Status', 'Seksjon', 'Region', 'NAV-kontor', 'Opprettet', 'Alder (timer)', 'Ansvarlig'], rows.map((t) => [t.id, t.stateLabel, t.sectionLabel, t.region, t.office, t.createdAt, t.ageHours, t.owner?.name])));
  });

  /** The roster the user's actions are checked against (local mode: every developer is a member). */
  const rosterFor = (user: TabUser): TeamRoster => (user.mode === 'local' ? selfRoster(user) : d.roster);
  const commandDeps = { service: d.tickets, store: d.store, kickOutbox: d.kick, onFaqSaved: d.onFaqSaved, clock: d.clock, log: d.log };

  r.get('/api/tab/tickets/:id', team, async (req: Authed, res) => {
    const t = await d.store.getTicket(String(req.params.id));
    if (!t) {
      res.status(404).json({ error: tabTexts.ticketNotFound });
      return;
    }
    const member = await teamMemberOf(rosterFor(req.user!), t, tabActor(req.user!)).catch(() => undefined);
    let members: { id: string; name: string }[] = [];
    if (member && t.channel?.teamId) members = (await d.roster.members(t.channel.teamId).catch(() => [])).map((m) => ({ id: memberId(m), name: m.name }));
    res.json({
      ticket: {
        ...summary(t, d.clock()), question: t.question, situation: situationFacts(t.situation), answer: t.answer, pendingQuestion: t.pendingQuestion, requester: { name: t.requester.name },
        history: t.history.map((e) => ({ at: e.at, actor: e.actor.name, action: e.action, from: e.from, to: e.to, note: e.note })), faq: Boolean(t.faq), redacted: Boolean(t.redactedAt),
      },
      canAct: Boolean(member),
      members,
    });
  });

  r.post('/api/tab/tickets/:id/:verb', team, json, async (req: Authed, res) => {
    const verb = String(req.params.verb) as (typeof VERBS)[number];
    const body = ActionBody.safeParse(req.body);
    if (!VERBS.includes(verb) || !body.success) {
      res.status(400).json({ error: tabTexts.invalidAction });
      return;
    }
    const c = { ...commandDeps, roster: rosterFor(req.user!) };
    const actor = tabActor(req.user!);
    const input = { ticketId: String(req.params.id), version: body.data.version };
    try {
      let next: Ticket;
      switch (verb) {
        case 'ta': next = await commands.takeTicket(c, actor, input); break;
        case 'lukk': next = await commands.closeTicket(c, actor, input); break;
        case 'svar': next = await commands.answerTicket(c, actor, { ...input, text: body.data.text ?? '' }); break;
        case 'spor': next = await commands.askVeileder(c, actor, { ...input, text: body.data.text ?? '' }); break;
        case 'lagre-faq': next = await commands.saveAsFaq(c, actor, input); break;
        case 'tildel': next = await commands.assignTicket(c, actor, { ...input, assignee: body.data.assignee ?? '' }); break;
      }
      d.log.info({ event: 'tab_ticket_action', ticketId: next.id, verb, version: next.version });
      res.json({ ticket: summary(next, d.clock()) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err instanceof NotTeamMemberError) d.log.warn({ event: 'tab_action_rejected', reason: 'not a team member', ticketId: err.ticketId, verb });
      const refusal = ticketRefusal(err, d.clock());
      res.status(refusal.status).json(refusal.body);
    }
  });
}

/** The bookings view (team, admin): coming and past talks with filters, and as CSV; a veileder's own talk's actions (src/tab/booking-api.ts). */
function bookingListRoutes(r: express.Router, d: TabApiDeps, { anyone, team }: Guards): void {
  const listBookings = async (query: unknown) => {
    const q = BookingQuery.parse(query);
    const now = d.clock().getTime();
    const officeOf = new Map(d.counsellors.map((c) => [c.mailbox, c.offices]));
    return (await d.store.listBookings())
      .filter((b) => (q.when === 'alle' ? true : q.when === 'kommende' ? Date.parse(b.end) >= now : Date.parse(b.end) < now))
      .filter((b) => !q.counsellor || b.counsellor.mailbox === q.counsellor.toLowerCase())
      .filter((b) => !q.office || (officeOf.get(b.counsellor.mailbox) ?? []).includes(q.office) || b.place?.includes(q.office))
      .filter((b) => !q.state || b.state === q.state)
      .sort((a, b) => (q.when === 'tidligere' ? b.start.localeCompare(a.start) : a.start.localeCompare(b.start)))
      .map(bookingRow);
  };
  r.get('/api/tab/bookings', team, async (req, res) => {
    res.json({
      bookings: await listBookings(req.query),
      facets: {
        counsellors: d.counsellors.map((c) => ({ id: c.mailbox, name: c.name })),
        offices: [...new Set(d.counsellors.flatMap((c) => c.offices))].sort((a, b) => a.localeCompare(b, 'nb')),
        active: ACTIVE_BOOKING_STATES,
      },
    });
  });
  r.get('/api/tab/bookings.csv', team, async (req, res) => {
    const rows = await listBookings(req.query);
    sendCsv(res, 'bookinger', toCsv(tabTexts.csv.bookings, rows.map((b) => [b.id, bookingTexts.states[b.state as BookingState] ?? b.state, b.counsellor, b.start, b.end, bookingTexts.formatNames[b.format] ?? b.format, b.place, b.topic, b.veileder])));
  });

  if (d.bookingRoutes) r.use(d.bookingRoutes(anyone));
}

/** Statistics (team, admin, leder), and each table as CSV. */
function statsRoutes(r: express.Router, d: TabApiDeps, { any }: Guards): void {
  /** The report for this user: example questions only for those who edit content (team, admin), never for leaders. */
  const report = async (user: TabUser, query: unknown): Promise<StatisticsReport> => {
    const q = StatsQuery.parse(query);
    const labels = d.topicLabels();
    const examples = user.roles.some((x) => CONTENT_ROLES.includes(x));
    return statisticsReport({
      questions: await d.store.listQuestions(), tickets: await d.store.listTickets(), bookings: await d.store.listBookings(),
      offices: [...new Set(d.counsellors.flatMap((c) => c.offices))], topicOf: (u) => topicFromUrl(u, labels), now: d.clock(),
    }, q.granularity, q.range, { examples });
  };
  r.get('/api/tab/stats', any, async (req: Authed, res) => {
    res.json(await report(req.user!, req.query));
  });
  r.get('/api/tab/stats.csv', any, async (req: Authed, res) => {
    const id = String(req.query.table ?? '');
    const table = (await report(req.user!, req.query)).tables.find((t) => t.id === id);
    if (!table) {
      res.status(404).json({ error: tabTexts.unknownTable });
      return;
    }
    sendCsv(res, `statistikk-${table.id}`, toCsv(table.columns, table.rows));
  });
}

/** Settings (admin): what Veiviser answers from and how, the channels and counsellors, and «Oppdater nå». */
function settingsRoutes(r: express.Router, d: TabApiDeps, { admin }: Guards): void {
  r.get('/api/tab/settings', admin, async (_req, res) => {
    const report: CrawlReport | undefined = await d.store.lastCrawlReport();
    res.json({
      ...d.settings(),
      counsellors: d.counsellors.map((c) => ({ name: c.name, mailbox: c.mailbox, regions: c.regions, offices: c.offices, languages: c.languages, topics: c.topics.map(topicLabel) })),
      channels: (await d.store.listEscalationChannels()).map((c) => ({ teamName: c.teamName, channelName: c.channelName, sections: c.sections.map((s) => SECTION_LABELS[s as keyof typeof SECTION_LABELS] ?? s), regions: c.regions, setBy: c.setBy.name, setAt: c.setAt })),
      pages: (await d.store.listPages()).length,
      lastCrawl: report,
      crawl: await d.crawl.status(),
    });
  });
  r.get('/api/tab/crawl', admin, async (_req, res) => {
    res.json(await d.crawl.status());
  });
  r.post('/api/tab/crawl', admin, async (req: Authed, res) => {
    await d.crawl.start();
    d.log.info({ event: 'tab_recrawl_requested' });
    res.status(202).json(await d.crawl.status());
  });
}
