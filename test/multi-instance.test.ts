/**
 * Two Veiviser instances on one PostgreSQL database, as behind a load balancer: requests go to
 * either instance; the database makes each ticket action, slot hold and outbox delivery happen
 * exactly once, ticket numbers stay sequential, and each instance's search index follows content
 * changed through the other.
 */
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { App } from '../src/app.js';
import { SlotTakenError } from '../src/booking/booking-service.js';
import { TicketService } from '../src/tickets/ticket-service.js';
import { cardOf, CHANNEL_ID, chooseChannel, fromChannel, startHarness, teamsActivity, type Harness } from './helpers/harness.js';
import { startGatedSite, type GatedSite } from './helpers/gated-site.js';
import { requirePostgres, testPostgres } from './helpers/postgres.js';

const TENANT = 'tenant-fjordvik';
const CHANNEL = CHANNEL_ID;
const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const eva = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' };
const members = Array.from({ length: 50 }, (_, i) => ({ id: `29:user-m${i}`, name: `Medlem ${i}`, aadObjectId: `aad-m${i}` }));

/** 13:00 in Oslo on the first Monday at least a week from now: untaken tickets made today are overdue then. */
const mondayAfterAWeek = (): Date => {
  const week = DateTime.now().setZone('Europe/Oslo').plus({ days: 7 });
  return week.plus({ days: (8 - week.weekday) % 7 }).set({ hour: 13, minute: 0, second: 0, millisecond: 0 }).toJSDate();
};

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

describe('two instances on one PostgreSQL database', function () {
  this.timeout(300_000);
  let h: Harness;
  let a: App;
  let b: App;
  let site: GatedSite;
  const channelConv = fromChannel(TENANT);
  const invoke = (to: App, from: { id: string; name: string; aadObjectId: string }, verb: string, data: Record<string, unknown>, inChannel = false) =>
    h.postTo(to, teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', from, ...(inChannel ? channelConv : {}), value: { action: { type: 'Action.Execute', verb, data } } }));
  const drained = async () => {
    for (let i = 0; i < 1800; i++) {
      const all = await h.app.store.listOutbox();
      if (all.every((m) => m.status === 'sent' || m.status === 'failed')) return all;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('outbox not drained');
  };

  before(async function () {
    requirePostgres(this, 'multi-instance tests', 'several instances need PostgreSQL (lowdb allows one process)');
    const url = await (await testPostgres()).createDatabase('multi');
    site = await startGatedSite();
    h = await startHarness({ FAQ_SITE_URL: site.url, DATABASE_URL: url, DATABASE_POOL_SIZE: '20', ALLOWED_TENANT_IDS: TENANT, CONTENT_POLL_SECONDS: '1', OUTBOX_POLL_MS: '50', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0' });
    a = h.app;
    b = await h.startInstance();
    h.roster.push({ ...eva, userRole: 'owner' }, ...members.map((m) => ({ ...m, userRole: 'user' })));
    await chooseChannel(h, eva, TENANT, b);
  });
  after(async () => {
    await h?.close();
    await site?.close();
  });

  it('50 concurrent "Ta saken" on one ticket, across both instances: one owner, one card update', async () => {
    const created = await invoke(b, kari, 'ticketCreate', { question: 'Kan bruker ta fagbrev som praksiskandidat?', section: 'fagopplaering', office: 'NAV Fjordvik', consent: 'true' });
    assert.equal(created.status, 200);
    const [t] = await a.store.listTickets();
    await drained();
    const from = h.sent.length;
    const results = await Promise.all(members.map((m, i) => invoke(i % 2 ? a : b, m, 'ticketTake', { ticketId: t.id, version: 1 }, true)));
    assert.ok(results.every((r) => r.status === 200), JSON.stringify(results.map((r) => r.status)));
    const after = (await b.store.getTicket(t.id))!;
    assert.equal(after.version, 2);
    assert.equal(after.history.filter((e) => e.action === 'tatt').length, 1);
    const owner = after.owner!.name;
    await drained();
    const updates = h.sent.slice(from).filter((s) => s.method === 'PUT' && s.conversationId.startsWith(CHANNEL));
    assert.equal(updates.length, 1, 'the channel card is updated once');
    assert.match(JSON.stringify(cardOf(updates[0])), new RegExp(owner));
  });

  it('50 concurrent bookings of one slot, across both instances: one booking', async () => {
    const start = new Date(Date.now() + 7 * 86_400_000);
    start.setUTCHours(9, 0, 0, 0);
    const end = new Date(start.getTime() + 3_600_000);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).bookings.request({
      counsellor: { mailbox: 'ingrid.solheim@fjordvik.example', name: 'Ingrid Solheim' }, start, end, format: 'teams', topic: 'karriereveiledning',
      veilederJoins: true, brukerAlias: `B${i}`, veileder: { id: `aad-v${i}`, name: `Veileder ${i}`, conversationKey: `personal:v${i}` },
    })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof SlotTakenError));
    assert.equal((await a.store.listBookings()).length, 1);
  });

  it('1,000 tickets created concurrently through both instances get 1,000 distinct sequential numbers, each card posted once', async () => {
    const before = (await a.store.listTickets()).length;
    const fromSent = h.sent.length;
    const started = Date.now();
    const results = await pool(Array.from({ length: 1000 }, (_, i) => i), 40, (i) => invoke(i % 2 ? a : b, kari, 'ticketCreate', { question: `Sak nummer ${i}: fagbrev på jobb?`, section: 'fagopplaering', consent: 'true' }));
    const ms = Date.now() - started;
    assert.ok(results.every((r) => r.status === 200));
    const numbers = (await b.store.listTickets()).map((t) => t.number).sort((x, y) => x - y);
    assert.equal(numbers.length, before + 1000);
    assert.deepEqual(numbers, Array.from({ length: before + 1000 }, (_, i) => i + 1), 'no gaps, no duplicates');
    const fresh = new Set((await b.store.listTickets()).slice(before).map((t) => t.id));
    const outbox = (await drained()).filter((m) => m.ticketId && fresh.has(m.ticketId));
    assert.equal(outbox.length, 1000);
    assert.deepEqual(outbox.filter((m) => m.status !== 'sent').map((m) => `${m.kind} ${m.conversationKey} ${m.ticketId} ${m.status} ${m.attempts} ${m.lastError}`).slice(0, 5), []);
    const posts = h.sent.slice(fromSent).filter((s) => s.method === 'POST' && s.conversationId === CHANNEL);
    assert.equal(posts.length, 1000, 'each new ticket card posted exactly once by one of the two workers');
    console.log(`      1,000 tickets through two instances on PostgreSQL in ${ms} ms (${Math.round(1000 / (ms / 1000))}/s)`);
  });

  it('reminders and hold expiry, run by both instances at the same moment, each happen once', async () => {
    // Tickets nobody has taken, looked at on a Monday afternoon a week later: all due a reminder.
    // One TicketService per instance's store (two connection pools), both with that clock.
    const monday = mondayAfterAWeek;
    const due = (await a.store.listTickets()).filter((t) => t.state === 'ny').length;
    const [ra, rb] = await Promise.all([new TicketService({ store: a.store, clock: monday }).remindUntaken(4), new TicketService({ store: b.store, clock: monday }).remindUntaken(4)]);
    assert.equal(ra.length + rb.length, due, 'each ticket reminded by exactly one instance');
    assert.equal(new Set([...ra, ...rb]).size, due);
    // A hold whose time ran out, expired by both instances at once.
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const made = await a.store.createBooking(2026, (n) => ({
      id: `TS-2026-${String(n).padStart(4, '0')}`, year: 2026, number: n, version: 1, state: 'holdt', counsellor: { mailbox: 'yonas@fjordvik.example', name: 'Yonas' },
      start: new Date(Date.now() + 86_400_000).toISOString(), end: new Date(Date.now() + 90_000_000).toISOString(), format: 'teams', topic: 'karriereveiledning', veilederJoins: true,
      brukerAlias: 'B', veileder: { id: 'aad-kari', name: 'Kari', conversationKey: 'personal:a:personal-kari' }, holdUntil: past, transactionId: 'tx-expire', history: [], createdAt: past, updatedAt: past,
    }), 0);
    assert.ok(made.ok);
    const [ea, eb] = await Promise.all([a.bookings.expireHolds(), b.bookings.expireHolds()]);
    assert.deepEqual([...ea, ...eb], [made.ok ? made.booking.id : ''], 'expired once');
    const expired = await b.store.getBooking(made.ok ? made.booking.id : '');
    assert.equal(expired?.history.filter((e) => e.action === 'utlopt').length, 1);
  });

  it('"Oppdater nå" asked of one instance: the other shows its progress, and will not start a second crawl', async () => {
    const login = async (app: App) => ((await (await fetch(`${app.url}/api/tab/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Admin', role: 'admin' }) })).json()) as { token: string }).token;
    const [ta, tb] = [await login(a), await login(b)];
    const crawlOf = async (app: App, token: string, method = 'GET') => (await (await fetch(`${app.url}/api/tab/crawl`, { method, headers: { authorization: `Bearer ${token}` } })).json()) as { running: boolean; startedAt: string };
    // The site holds page requests: A's crawl stays running until the gate opens.
    const pageHeld = site.hold();
    const started = await crawlOf(a, ta, 'POST');
    assert.equal(started.running, true);
    await pageHeld;
    const robots = site.requests.get('200 /robots.txt');
    const onB = await crawlOf(b, tb);
    assert.equal(onB.running, true, 'instance B sees the crawl instance A runs');
    assert.equal(onB.startedAt, started.startedAt);
    const askedOfB = await crawlOf(b, tb, 'POST');
    assert.equal(askedOfB.startedAt, started.startedAt, 'B answers with the crawl A runs');
    // Both instances again at once, and A's schedule too: still the one crawl.
    await Promise.all([crawlOf(a, ta, 'POST'), crawlOf(b, tb, 'POST'), b.recrawl()]);
    assert.equal(site.requests.get('200 /robots.txt'), robots, 'no second crawl began (every crawl starts with robots.txt)');
    site.open();
    let status = onB;
    for (let i = 0; i < 300 && status.running; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await crawlOf(b, tb);
    }
    assert.equal(status.running, false, 'the crawl ended and B shows it');
    assert.equal(status.startedAt, onB.startedAt, 'still the one crawl A started: B did not start another');
    // Free again: B may crawl now.
    await b.recrawl();
    assert.ok((site.requests.get('200 /robots.txt') ?? 0) > (robots ?? 0), 'after the first crawl ended, the next one runs');
  });

  it('a FAQ saved through one instance is found by the other within seconds', async () => {
    const [t] = await a.store.listTickets();
    const answered = await a.store.updateTicket(t.id, t.version, (x) => ({ ...x, state: 'besvart', answer: { text: 'Praksiskandidater trenger fem års allsidig praksis i faget før fagprøven.', by: { id: 'aad-m1', name: 'Medlem 1' }, at: new Date().toISOString() } }));
    assert.ok(answered.ok);
    const sizeBefore = b.faq()!.size;
    const saved = await a.store.updateTicket(t.id, answered.ok ? answered.ticket.version : 0, (x) => ({ ...x, faq: { question: 'Hvor lang praksis trenger en praksiskandidat i barnehage?', answer: x.answer!.text, section: 'fagopplaering', savedAt: new Date().toISOString(), by: { id: 'aad-m1', name: 'Medlem 1' } } }));
    assert.ok(saved.ok);
    for (let i = 0; i < 100 && b.faq()!.size === sizeBefore; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(b.faq()!.size, sizeBefore + 1, 'instance B rebuilt its index');
    const hit = b.faq()!.search('hvor lang praksis trenger en praksiskandidat i barnehage').hits[0];
    assert.match(hit.doc.text ?? JSON.stringify(hit.doc), /fem års allsidig praksis/);
  });
});

describe('two instances share one per-user rate limit (PostgreSQL)', function () {
  this.timeout(120_000);
  it('counts a user\'s messages across both instances', async function () {
    requirePostgres(this, 'shared rate limit', 'the limit is then per process (memory)');
    const url = await (await testPostgres()).createDatabase('ratelimit');
    const h = await startHarness({ DATABASE_URL: url, RATE_LIMIT_PER_MINUTE: '6', LOG_LEVEL: 'warn' });
    try {
      const b = await h.startInstance();
      const ola = { id: '29:user-ola', name: 'Ola', aadObjectId: 'aad-ola' };
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await h.postTo(i % 2 ? h.app : b, teamsActivity(h, { from: ola, text: 'hjelp' }))).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429, 429], 'six in all, not six per instance');
      assert.equal((await h.postTo(b, teamsActivity(h, { from: { id: '29:user-siri', name: 'Siri', aadObjectId: 'aad-siri' }, text: 'hjelp' }))).status, 200);
    } finally {
      await h.close();
    }
  });
});
