import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BookingService, SlotTakenError, type RequestProps } from '../../src/booking/booking-service.js';
import { EmbeddedCalendar } from '../../src/calendar/embedded-calendar.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { DomainError } from '../../src/domain-error.js';
import { validIdentityNumber } from '../helpers/identity.js';

const ingrid = { mailbox: 'ingrid.solheim@fjordvik.example.no', name: 'Ingrid Solheim' };
const counsellorActor = { id: 'aad-ingrid', name: 'Ingrid Solheim', mailbox: ingrid.mailbox };
const kari = { id: 'aad-kari', name: 'Kari Veileder', email: 'kari.veileder@nav.example.no', conversationKey: 'personal:a:kari' };
const per = { id: 'aad-per', name: 'Per Veileder', email: 'per@nav.example.no', conversationKey: 'personal:a:per' };

describe('booking three-way talks (store + embedded calendar)', function () {
  this.timeout(30_000);
  let dir: string;
  let store: LowdbStore;
  let calendar: EmbeddedCalendar;
  let now: Date;
  let svc: BookingService;
  const slotStart = new Date('2026-11-24T08:00:00Z'); // Tuesday 09:00 Oslo
  const req = (over: Partial<RequestProps> = {}): RequestProps => ({
    veileder: kari, counsellor: ingrid, start: slotStart, end: new Date(slotStart.getTime() + 45 * 60_000), format: 'teams', topic: 'karriereveiledning',
    veilederJoins: true, brukerAlias: 'AB', ...over,
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veiviser-booking-'));
    store = await LowdbStore.open(dir);
    calendar = new EmbeddedCalendar(store);
    now = new Date('2026-11-20T09:00:00Z');
    svc = new BookingService({ store, calendar, clock: () => now, holdHours: 24, bufferMinutes: 15 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the slot and, when the counsellor accepts, creates one calendar event with a Teams meeting', async () => {
    const b = await svc.request(req({ brukerEmail: 'ab@example.no' }));
    assert.match(b.id, /^TS-2026-0001$/);
    assert.equal(b.state, 'holdt');
    const ok = await svc.accept({ bookingId: b.id, actor: counsellorActor, expectedVersion: 1 });
    assert.equal(ok.state, 'bekreftet');
    assert.ok(ok.event?.joinUrl);
    const [sched] = await calendar.getSchedules([ingrid.mailbox], new Date('2026-11-24T00:00:00Z'), new Date('2026-11-25T00:00:00Z'));
    assert.equal(sched.busy.filter((x) => x.start.getTime() === slotStart.getTime()).length, 1, 'one event in the calendar');
    const ev = await store.getCalendarEvent(ingrid.mailbox, ok.event!.id);
    assert.equal(ev?.subject, 'Trepartssamtale – karriereveiledning', 'no personal data in the subject');
    assert.match(ev?.bodyHtml ?? '', /Tre spørsmål å tenke på/);
    assert.deepEqual(ev?.attendees.map((a) => a.email).sort(), ['ab@example.no', 'kari.veileder@nav.example.no']);
  });

  it('never double-books: two veiledere asking for the same time at once — one gets it', async () => {
    const results = await Promise.allSettled([svc.request(req()), svc.request(req({ veileder: per }))]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(lost.reason instanceof SlotTakenError);
    // The buffer counts too: 20 minutes after the held talk ends is still taken.
    await assert.rejects(svc.request(req({ veileder: per, start: new Date(slotStart.getTime() + 50 * 60_000), end: new Date(slotStart.getTime() + 95 * 60_000) })), SlotTakenError);
    assert.equal((await store.listBookings()).length, 1);
  });

  it('lets only the counsellor accept, and refuses names and identity numbers as bruker alias', async () => {
    const b = await svc.request(req());
    await assert.rejects(svc.accept({ bookingId: b.id, actor: { id: 'x', name: 'X', mailbox: 'other@fjordvik.example.no' }, expectedVersion: 1 }), (e: DomainError) => e.code === 'forbidden');
    await assert.rejects(svc.request(req({ brukerAlias: validIdentityNumber('020290'), start: new Date('2026-11-25T08:00:00Z'), end: new Date('2026-11-25T08:45:00Z') })), /initialer/);
    await assert.rejects(svc.request(req({ brukerAlias: 'Anne Marie Berg', start: new Date('2026-11-25T08:00:00Z'), end: new Date('2026-11-25T08:45:00Z') })), /initialer/);
  });

  it('declining frees the slot; a proposed time can be accepted by the veileder', async () => {
    const b = await svc.request(req());
    const d = await svc.decline({ bookingId: b.id, actor: counsellorActor, reason: 'Jeg er på kurs den dagen.', expectedVersion: 1 });
    assert.equal(d.state, 'avslatt');
    const again = await svc.request(req({ veileder: per }));
    assert.equal(again.state, 'holdt', 'the slot is free again');
    const proposedStart = new Date('2026-11-26T12:00:00Z');
    const p = await svc.propose({ bookingId: again.id, actor: counsellorActor, start: proposedStart, end: new Date(proposedStart.getTime() + 45 * 60_000), expectedVersion: 1 });
    assert.equal(p.state, 'foreslatt');
    await assert.rejects(svc.acceptProposal({ bookingId: p.id, actor: kari, expectedVersion: p.version }), (e: DomainError) => e.code === 'forbidden');
    const ok = await svc.acceptProposal({ bookingId: p.id, actor: per, expectedVersion: p.version });
    assert.equal(ok.state, 'bekreftet');
    assert.equal(ok.start, proposedStart.toISOString());
  });

  it('expires a hold nobody answered, and the slot can be booked again', async () => {
    const b = await svc.request(req());
    now = new Date('2026-11-21T08:59:00Z');
    assert.deepEqual(await svc.expireHolds(), []);
    now = new Date('2026-11-21T09:01:00Z');
    assert.deepEqual(await svc.expireHolds(), [b.id]);
    assert.equal((await store.getBooking(b.id))?.state, 'utlopt');
    assert.equal((await svc.request(req({ veileder: per }))).state, 'holdt');
  });

  it('cancelling a confirmed talk cancels the calendar event; reminders go 24 hours before, once', async () => {
    const b = await svc.request(req());
    const ok = await svc.accept({ bookingId: b.id, actor: counsellorActor, expectedVersion: 1 });
    now = new Date('2026-11-23T07:00:00Z'); // 25 h before
    assert.deepEqual(await svc.sendReminders(), []);
    now = new Date('2026-11-23T08:30:00Z'); // 23.5 h before
    assert.deepEqual(await svc.sendReminders(), [b.id]);
    assert.deepEqual(await svc.sendReminders(), []);
    const current = await store.getBooking(b.id);
    const c = await svc.cancel({ bookingId: b.id, actor: kari, comment: 'Bruker har fått jobb.', expectedVersion: current!.version });
    assert.equal(c.state, 'avlyst');
    const ev = await calendar.getEvent(ingrid.mailbox, ok.event!.id);
    assert.ok(!ev || ev.isCancelled);
  });

  it('accepting twice (a retry) makes one calendar event', async () => {
    const b = await svc.request(req());
    await svc.accept({ bookingId: b.id, actor: counsellorActor, expectedVersion: 1 });
    await assert.rejects(svc.accept({ bookingId: b.id, actor: counsellorActor, expectedVersion: 1 }), (e: DomainError) => e.code === 'transition');
    const events = await store.listCalendarEvents(ingrid.mailbox, new Date('2026-11-24T00:00:00Z'), new Date('2026-11-25T00:00:00Z'));
    assert.equal(events.length, 1);
  });

  it('notices a talk moved or cancelled in the counsellor\'s calendar (Outlook)', async () => {
    const b = await svc.request(req());
    const ok = await svc.accept({ bookingId: b.id, actor: counsellorActor, expectedVersion: 1 });
    assert.deepEqual(await svc.syncWithCalendar(), [], 'nothing changed');
    const moved = new Date('2026-11-25T12:00:00Z');
    await store.updateCalendarEvent(ingrid.mailbox, ok.event!.id, { start: moved.toISOString(), end: new Date(moved.getTime() + 45 * 60_000).toISOString() });
    assert.deepEqual(await svc.syncWithCalendar(), [b.id]);
    const after = await store.getBooking(b.id);
    assert.equal(after?.start, moved.toISOString());
    assert.equal(after?.history.at(-1)?.action, 'flyttet');
    await calendar.cancelEvent(ingrid.mailbox, ok.event!.id, 'Syk');
    assert.deepEqual(await svc.syncWithCalendar(), [b.id]);
    assert.equal((await store.getBooking(b.id))?.state, 'avlyst');
  });

  it('moves a confirmed talk when the other side accepts the proposed time: the same event, updated', async () => {
    const b = await svc.request(req());
    const ok = await svc.accept({ bookingId: b.id, actor: counsellorActor, expectedVersion: 1 });
    const newStart = new Date('2026-11-26T09:00:00Z');
    const p = await svc.propose({ bookingId: b.id, actor: kari, start: newStart, end: new Date(newStart.getTime() + 45 * 60_000), expectedVersion: ok.version });
    assert.equal(p.proposedBy, 'veileder');
    await assert.rejects(svc.acceptProposal({ bookingId: b.id, actor: kari, expectedVersion: p.version }), (e: DomainError) => e.code === 'forbidden');
    const moved = await svc.acceptProposal({ bookingId: b.id, actor: counsellorActor, expectedVersion: p.version });
    assert.equal(moved.state, 'bekreftet');
    assert.equal(moved.event?.id, ok.event?.id, 'the same calendar event');
    const ev = await calendar.getEvent(ingrid.mailbox, ok.event!.id);
    assert.equal(ev?.start.toISOString(), newStart.toISOString());
    // A move nobody answers expires, and the talk keeps its time.
    const p2 = await svc.propose({ bookingId: b.id, actor: kari, start: new Date('2026-11-27T09:00:00Z'), end: new Date('2026-11-27T09:45:00Z'), expectedVersion: moved.version });
    now = new Date(Date.parse(p2.holdUntil) + 60_000);
    assert.deepEqual(await svc.expireHolds(), [b.id]);
    const after = await store.getBooking(b.id);
    assert.equal(after?.state, 'bekreftet');
    assert.equal(after?.start, newStart.toISOString());
  });
});

describe('holds and reminders that fit the talk', () => {
  const h = 3_600_000;
  it('a hold ends after the hold time, but never later than a day before the talk', async () => {
    const { holdEnd } = await import('../../src/booking/booking-service.js');
    const now = new Date('2026-11-19T19:53:00Z'); // Thursday 20:53 in Oslo
    // A talk on Monday 10:00: 24 hours' hold ends Friday 20:53, well before Sunday 10:00.
    assert.equal(holdEnd(now, new Date('2026-11-23T09:00:00Z'), 24).toISOString(), '2026-11-20T19:53:00.000Z');
    // A talk on Friday 10:00 (notice 0): not 24 hours (the hold would outlive the talk), but two hours before it.
    assert.equal(holdEnd(now, new Date('2026-11-20T09:00:00Z'), 24).toISOString(), '2026-11-20T07:00:00.000Z');
    // A long hold for a talk in three days: ends a day before the talk.
    assert.equal(holdEnd(now, new Date('2026-11-22T19:53:00Z'), 24 * 7).toISOString(), '2026-11-21T19:53:00.000Z');
    // Never less than an hour, even for a talk that is about to start.
    assert.equal(holdEnd(now, new Date(now.getTime() + 2 * h), 24).getTime(), now.getTime() + h);
  });

  it('a reminder is promised and sent only for talks confirmed more than a day ahead', async () => {
    const { reminderWillCome } = await import('../../src/booking/booking-service.js');
    const b = (confirmed: string, start: string) => ({ state: 'bekreftet', start, history: [{ at: confirmed, action: 'bekreftet', actor: { id: 'x', name: 'X' } }] }) as unknown as import('../../src/booking/model.js').Booking;
    assert.equal(reminderWillCome(b('2026-11-19T10:00:00Z', '2026-11-23T09:00:00Z')), true);
    assert.equal(reminderWillCome(b('2026-11-22T20:00:00Z', '2026-11-23T09:00:00Z')), false, 'confirmed 13 hours before');
    assert.equal(reminderWillCome({ ...b('2026-11-19T10:00:00Z', '2026-11-23T09:00:00Z'), reminderSentAt: '2026-11-22T09:00:00Z' }), false, 'already sent');
  });
});
