/**
 * The Store port's contract: what both adapters (lowdb, PostgreSQL) must do, in terms of the
 * port only — durability across a reopen, sequential numbers and compare-and-set under
 * concurrency, no double booking, each outbox message leased to one worker, idempotent calendar
 * events. Run it from an adapter's test file with a `make` that gives a fresh, empty store.
 */
import assert from 'node:assert/strict';
import type { Booking } from '../../src/booking/model.js';
import type { OutboxMessage } from '../../src/outbox/types.js';
import type { QuestionRecord, Store, StoredCalendarEvent } from '../../src/store/store.js';
import type { Ticket } from '../../src/tickets/model.js';

export interface StoreUnderTest {
  store: Store;
  /** Closes the store and opens it again on the same data (a restart). */
  reopen(): Promise<Store>;
  close(): Promise<void>;
}

const AT = '2026-11-20T09:00:00.000Z';

export function ticketOf(year: number, n: number, over: Partial<Ticket> = {}): Ticket {
  const id = `UT-${year}-${String(n).padStart(4, '0')}`;
  return {
    id, year, number: n, version: 1, state: 'ny', section: 'fagopplaering', question: `Spørsmål ${n}`, situation: {}, consentAt: AT,
    requester: { id: 'aad-kari', name: 'Kari', conversationKey: 'personal:kari' }, history: [{ at: AT, actor: { id: 'aad-kari', name: 'Kari' }, action: 'opprettet', to: 'ny' }],
    createdAt: AT, updatedAt: AT, ...over,
  };
}

export function bookingOf(n: number, mailbox: string, start: string, minutes = 60, over: Partial<Booking> = {}): Booking {
  const end = new Date(Date.parse(start) + minutes * 60_000).toISOString();
  return {
    id: `TS-2026-${String(n).padStart(4, '0')}`, year: 2026, number: n, version: 1, state: 'holdt', counsellor: { mailbox, name: mailbox.split('@')[0] },
    start, end, format: 'teams', topic: 'karriereveiledning', veilederJoins: true, brukerAlias: 'B', veileder: { id: 'aad-kari', name: 'Kari', conversationKey: 'personal:kari' },
    holdUntil: end, transactionId: `tx-${n}-${mailbox}`, history: [], createdAt: AT, updatedAt: AT, ...over,
  };
}

export function outboxOf(id: string, over: Partial<OutboxMessage> = {}): OutboxMessage {
  return { id, createdAt: AT, kind: 'post', conversationKey: 'channel:c', activity: { text: id }, status: 'pending', attempts: 0, nextAttemptAt: AT, ...over };
}

function eventOf(mailbox: string, id: string, start: string, over: Partial<StoredCalendarEvent> = {}): StoredCalendarEvent {
  return { mailbox, id, subject: 'Møte', start, end: new Date(Date.parse(start) + 3_600_000).toISOString(), status: 'busy', isCancelled: false, attendees: [], bodyHtml: '', createdAt: AT, updatedAt: AT, ...over };
}

export function storeContract(name: string, make: () => Promise<StoreUnderTest>, opts: { concurrency?: number } = {}): void {
  const N = opts.concurrency ?? 50;
  describe(`Store contract: ${name}`, function () {
    this.timeout(60_000);
    let s: StoreUnderTest;
    let store: Store;
    beforeEach(async () => {
      s = await make();
      store = s.store;
    });
    afterEach(async () => s?.close());

    it('keeps pages, questions, feedback, conversations, channels, profiles and secrets across a restart', async () => {
      const page = { url: 'https://x.example/a', title: 'A', sections: [], hash: 'h', simhash: '0', fetchedAt: AT } as unknown as import('../../src/faq/crawler.js').StoredPage;
      const v0 = await store.contentVersion();
      await store.applyCrawl({ upserted: [page], removed: [], report: { fetched: 1 } as unknown as import('../../src/faq/crawler.js').CrawlReport });
      assert.ok((await store.contentVersion()) > v0, 'a crawl that changed pages moves the content version');
      const q: QuestionRecord = { id: 'q1', at: AT, userHash: 'h', conversationType: 'personal', outcome: 'answer' };
      await store.recordQuestion(q);
      assert.deepEqual(await store.setFeedback('q1', true, AT), { ...q, feedback: { helpful: true, at: AT } });
      assert.equal(await store.setFeedback('nope', true, AT), undefined);
      // The «Mente du …?» choice, beside the feedback (the decision's labels from use).
      assert.deepEqual((await store.setChoice('q1', 2, AT))?.choice, { rank: 2, at: AT });
      assert.deepEqual((await store.getQuestion('q1'))?.feedback, { helpful: true, at: AT });
      assert.equal(await store.setChoice('nope', 0, AT), undefined);
      await store.saveConversation({ key: 'k1', reference: { a: 1 }, updatedAt: AT });
      await store.saveConversation({ key: 'k1', reference: { a: 2 }, updatedAt: AT });
      const ch = { conversationKey: 'channel:c', teamId: 't', channelId: 'c', sections: [], regions: [], setBy: { id: 'x', name: 'X' }, setAt: AT };
      await store.saveEscalationChannel(ch);
      await store.saveEscalationChannel({ ...ch, sections: ['eksamen'] });
      await store.saveVeilederProfile({ userHash: 'h', office: 'NAV Lia', updatedAt: AT });
      const secret = await store.secret('ics');
      assert.equal(await store.secret('ics'), secret, 'a secret is created once');
      store = await s.reopen();
      assert.deepEqual((await store.listPages()).map((p) => p.url), ['https://x.example/a']);
      assert.equal((await store.lastCrawlReport())?.fetched, 1);
      assert.deepEqual(await store.getQuestion('q1'), { ...q, feedback: { helpful: true, at: AT }, choice: { rank: 2, at: AT } });
      assert.deepEqual((await store.getConversation('k1'))?.reference, { a: 2 });
      assert.deepEqual((await store.listEscalationChannels()).map((c) => c.sections), [['eksamen']], 'replaced, not added');
      assert.equal((await store.getVeilederProfile('h'))?.office, 'NAV Lia');
      assert.equal(await store.secret('ics'), secret);
      await store.ping();
      await store.saveCrawlStatus({ running: true, startedAt: AT, progress: { done: 3, queued: 7, fetched: 3, unchanged: 0, failed: 0 } });
      assert.deepEqual((await store.getCrawlStatus())?.progress?.queued, 7);
    });

    it(`gives ${N} concurrently created tickets ${N} distinct sequential numbers, each with its outbox message`, async () => {
      const made = await Promise.all(Array.from({ length: N }, () => store.createTicket(2026, (n) => ticketOf(2026, n), (t) => [outboxOf(`ob-${t.id}`, { ticketId: t.id })])));
      assert.deepEqual(made.map((t) => t.number).sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i + 1));
      assert.equal((await store.listTickets()).length, N);
      assert.equal((await store.listOutbox()).length, N);
      assert.equal((await store.createTicket(2027, (n) => ticketOf(2027, n))).number, 1, 'numbers count per year');
    });

    it('compare-and-set: of concurrent changes at one version exactly one wins; a failed change writes nothing', async () => {
      await store.createTicket(2026, (n) => ticketOf(2026, n));
      const results = await Promise.all(Array.from({ length: N }, (_, i) => store.updateTicket('UT-2026-0001', 1, (t) => ({ ...t, state: 'tatt', owner: { id: `u${i}`, name: `U${i}`, since: AT } }), (t) => [outboxOf(`upd-${i}-${t.version}`)])));
      const won = results.filter((r) => r.ok);
      assert.equal(won.length, 1);
      assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'stale' && r.current.version === 2));
      const t = await store.getTicket('UT-2026-0001');
      assert.equal(t?.version, 2);
      assert.equal((await store.listOutbox()).length, 1, 'only the winner\'s message');
      await assert.rejects(store.updateTicket('UT-2026-0001', 2, () => { throw new Error('refused'); }), /refused/);
      assert.equal((await store.getTicket('UT-2026-0001'))?.version, 2);
      assert.deepEqual(await store.updateTicket('UT-1999-0001', 1, (x) => x), { ok: false, reason: 'not-found' });
      const v = await store.contentVersion();
      await store.updateTicket('UT-2026-0001', 2, (x) => ({ ...x, faq: { question: 'q', answer: 'a', section: 'eksamen', savedAt: AT, by: { id: 'x', name: 'X' } } }));
      assert.ok((await store.contentVersion()) > v, 'an answer saved as FAQ moves the content version');
    });

    it(`holds a slot once: of ${N} concurrent bookings of one counsellor's slot, one is made`, async () => {
      const m = 'ingrid@fylke.example.no';
      const results = await Promise.all(Array.from({ length: N }, (_, i) => store.createBooking(2026, (n) => bookingOf(n, m, '2026-12-01T09:00:00.000Z', 60, { brukerAlias: `B${i}` }), 15 * 60_000)));
      assert.equal(results.filter((r) => r.ok).length, 1);
      assert.deepEqual((await store.listBookings()).map((b) => b.number), [1], 'no number used by a refused booking');
      // Another counsellor at the same time, and the same counsellor after the buffer: both fine.
      assert.ok((await store.createBooking(2026, (n) => bookingOf(n, 'yonas@fylke.example.no', '2026-12-01T09:00:00.000Z'), 15 * 60_000)).ok);
      assert.ok((await store.createBooking(2026, (n) => bookingOf(n, m, '2026-12-01T10:15:00.000Z'), 15 * 60_000)).ok);
      const inBuffer = await store.createBooking(2026, (n) => bookingOf(n, m, '2026-12-01T11:20:00.000Z'), 15 * 60_000);
      assert.ok(!inBuffer.ok, 'within the buffer of the 10:15 talk');
      // Moving the first onto the 10:15 talk is refused; declining frees the slot.
      const moved = await store.updateBooking('TS-2026-0001', 1, (b) => ({ ...b, start: '2026-12-01T10:30:00.000Z', end: '2026-12-01T11:30:00.000Z' }), 15 * 60_000);
      assert.equal(!moved.ok && moved.reason, 'taken');
      assert.ok((await store.updateBooking('TS-2026-0001', 1, (b) => ({ ...b, state: 'avslatt' }), 0)).ok);
      const stale = await store.updateBooking('TS-2026-0001', 1, (b) => b, 0);
      assert.equal(!stale.ok && stale.reason, 'stale');
      assert.ok((await store.createBooking(2026, (n) => bookingOf(n, m, '2026-12-01T09:00:00.000Z'), 15 * 60_000)).ok);
    });

    it('leases each outbox message to one claimer; an expired lease is offered again', async () => {
      // Forty conversations: a worker may hold back the rest of a conversation it is delivering.
      await store.enqueueOutbox(Array.from({ length: 40 }, (_, i) => outboxOf(`m${String(i).padStart(2, '0')}`, { conversationKey: `channel:c${i}` })));
      const now = new Date('2026-11-20T10:00:00.000Z');
      const claims = await Promise.all(Array.from({ length: 8 }, () => store.claimOutbox(now, 60_000, 10)));
      const ids = claims.flat().map((m) => m.id);
      assert.equal(ids.length, 40);
      assert.equal(new Set(ids).size, 40, 'no message claimed twice');
      assert.ok(claims.flat().every((m) => m.status === 'sending' && m.leaseUntil === '2026-11-20T10:01:00.000Z'));
      assert.deepEqual(await store.claimOutbox(now, 60_000, 10), [], 'all leased');
      await store.settleOutbox('m00', { status: 'sent', deliveredActivityId: 'a1', leaseUntil: undefined });
      const later = await store.claimOutbox(new Date('2026-11-20T10:02:00.000Z'), 60_000, 100);
      assert.equal(later.length, 39, 'leases expired, the sent one stays sent');
      assert.equal((await store.getOutboxMessage('m00'))?.deliveredActivityId, 'a1');
      assert.deepEqual((await store.listOutbox()).map((m) => m.id).slice(0, 3), ['m00', 'm01', 'm02'], 'enqueue order');
      assert.equal(await store.settleOutbox('nope', { status: 'sent' }), undefined);
      const undelivered = await store.listUndeliveredOutbox();
      assert.deepEqual(undelivered.map((m) => m.id), later.map((m) => m.id).sort(), 'the sent one is left out');
      assert.ok(undelivered.every((m) => JSON.stringify(m.activity) === '{}'), 'heads only');
    });

    it('retention: prunes settled outbox messages before a time except those kept, lists ticket cards, drops old question texts', async () => {
      await store.enqueueOutbox([
        outboxOf('old-sent', { status: 'sent', createdAt: '2026-01-01T00:00:00.000Z', ticketId: 'UT-2026-0001', card: 'channel' }),
        outboxOf('old-card', { status: 'sent', createdAt: '2026-01-01T00:00:00.000Z', ticketId: 'UT-2026-0001', card: 'veileder' }),
        outboxOf('old-failed', { status: 'failed', createdAt: '2026-01-01T00:00:00.000Z' }),
        outboxOf('old-pending', { status: 'pending', createdAt: '2026-01-01T00:00:00.000Z' }),
        outboxOf('new-sent', { status: 'sent', createdAt: '2026-06-01T00:00:00.000Z' }),
      ]);
      assert.deepEqual((await store.listTicketCards('UT-2026-0001')).map((m) => m.card), ['channel', 'veileder']);
      assert.equal(await store.pruneOutbox('2026-03-01T00:00:00.000Z', ['old-card']), 2);
      assert.deepEqual((await store.listOutbox()).map((m) => m.id).sort(), ['new-sent', 'old-card', 'old-pending']);
      await store.recordQuestion({ id: 'q-old', at: '2026-01-01T00:00:00.000Z', userHash: 'h', conversationType: 'personal', outcome: 'escalate', text: 'gammel tekst' });
      await store.recordQuestion({ id: 'q-new', at: '2026-06-01T00:00:00.000Z', userHash: 'h', conversationType: 'personal', outcome: 'escalate', text: 'ny tekst' });
      assert.equal(await store.redactQuestionTexts('2026-03-01T00:00:00.000Z'), 1);
      store = await s.reopen();
      assert.equal((await store.getQuestion('q-old'))?.text, undefined);
      assert.equal((await store.getQuestion('q-old'))?.outcome, 'escalate', 'the count stays');
      assert.equal((await store.getQuestion('q-new'))?.text, 'ny tekst');
      assert.equal((await store.listOutbox()).length, 3, 'durable');
    });

    it('lets one crawl claim at a time: concurrent claims give one, a released claim can be taken again', async () => {
      const claims = await Promise.all(Array.from({ length: 8 }, () => store.claimCrawl()));
      const held = claims.filter((c) => c !== undefined);
      assert.equal(held.length, 1, 'exactly one of eight concurrent claims');
      assert.equal(await store.claimCrawl(), undefined, 'refused while held');
      await held[0].release();
      await held[0].release(); // twice is harmless
      const again = await store.claimCrawl();
      assert.ok(again, 'free again after release');
      await again.release();
    });

    it('creates calendar events once per transactionId, lists by time, and updates in place', async () => {
      const mb = 'Ingrid@Fylke.example.no';
      const a = eventOf(mb, 'e1', '2026-12-01T09:00:00.000Z', { transactionId: 'tx-1' });
      const saved = await Promise.all(Array.from({ length: 10 }, (_, i) => store.saveCalendarEvent({ ...a, id: `e1-${i}` })));
      assert.equal(new Set(saved.map((e) => e.id)).size, 1, 'one event for one transactionId');
      assert.equal(saved[0].mailbox, 'ingrid@fylke.example.no');
      await store.saveCalendarEvents([eventOf(mb, 'e2', '2026-12-02T09:00:00.000Z'), eventOf(mb, 'e3', '2026-12-03T09:00:00.000Z')]);
      const listed = await store.listCalendarEvents('ingrid@fylke.example.no', new Date('2026-12-01T09:30:00.000Z'), new Date('2026-12-02T09:30:00.000Z'));
      assert.deepEqual(listed.map((e) => e.id), [saved[0].id, 'e2']);
      const upd = await store.updateCalendarEvent(mb, 'e2', { subject: 'Flyttet', start: '2026-12-04T09:00:00.000Z', end: '2026-12-04T10:00:00.000Z', id: 'hacked' } as never);
      assert.equal(upd?.id, 'e2');
      assert.equal((await store.getCalendarEvent(mb, 'e2'))?.subject, 'Flyttet');
      assert.equal(await store.updateCalendarEvent(mb, 'none', { subject: 'x' }), undefined);
      await store.setWorkingHours(mb, { days: [1, 2, 3], start: '08:00', end: '16:00', timeZone: 'Europe/Oslo' } as never);
      store = await s.reopen();
      assert.equal((await store.getWorkingHours('ingrid@fylke.example.no') as unknown as { start: string }).start, '08:00');
      assert.equal((await store.listCalendarEvents(mb, new Date('2026-12-04T00:00:00Z'), new Date('2026-12-05T00:00:00Z')))[0]?.subject, 'Flyttet');
    });
  });
}
