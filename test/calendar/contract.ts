/**
 * The Calendar port's contract: what every adapter (Microsoft Graph, the embedded calendar) must
 * do, in terms of the port only. Run it from an adapter's test file:
 *
 *   calendarContract('embedded calendar', async () => ({ calendar, seedBusy, seedWorkingHours, close }));
 *
 * `make` is called before each test and must give a fresh, empty calendar; `close` after it.
 * Mailboxes need not exist beforehand: seeding or creating an event in one makes it known.
 */
import assert from 'node:assert/strict';
import type { BusyInterval, BusyStatus, Calendar, NewEvent, Schedule, WorkingHours } from '../../src/calendar/calendar.js';

export interface CalendarUnderTest {
  calendar: Calendar;
  /** Puts an existing appointment (busy time) in a mailbox's calendar. */
  seedBusy(mailbox: string, start: Date, end: Date, status: BusyStatus): Promise<void>;
  seedWorkingHours(mailbox: string, wh: WorkingHours): Promise<void>;
  close(): Promise<void>;
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const at = (iso: string) => new Date(iso);
const mailbox = (n: number | string) => `radgiver-${n}@fylke.example.no`;

function hasInterval(s: Schedule | undefined, start: Date, end: Date, status?: BusyStatus): boolean {
  return (s?.busy ?? []).some((b) => b.start.getTime() === start.getTime() && b.end.getTime() === end.getTime() && (!status || b.status === status));
}

/** Whether any non-free interval covers part of [start, end). */
function isBusyDuring(s: Schedule | undefined, start: Date, end: Date): boolean {
  return (s?.busy ?? []).some((b: BusyInterval) => b.status !== 'free' && b.start < end && b.end > start);
}

let counter = 0;
function newEvent(over: Partial<NewEvent> = {}): NewEvent {
  counter++;
  return {
    mailbox: mailbox('a'),
    subject: 'Trepartssamtale – karriereveiledning',
    bodyHtml: '<p>Agenda: læringsløp, realkompetanse, livsopphold, hvem gjør hva.</p>',
    start: at('2026-04-14T08:00:00Z'),
    end: at('2026-04-14T08:45:00Z'),
    attendees: [{ email: 'veileder@nav.example.no', name: 'Veileder', type: 'required' }],
    online: true,
    transactionId: `contract-${process.pid}-${Date.now()}-${counter}`,
    ...over,
  };
}

export function calendarContract(name: string, make: () => Promise<CalendarUnderTest>): void {
  describe(`Calendar contract: ${name}`, function () {
    let t: CalendarUnderTest;
    beforeEach(async function () {
      t = await make();
    });
    afterEach(async function () {
      await t?.close();
    });

    it('shows seeded busy time with its status, and nothing from outside the window', async function () {
      const m = mailbox('a');
      await t.seedBusy(m, at('2026-04-14T07:00:00Z'), at('2026-04-14T08:00:00Z'), 'busy');
      await t.seedBusy(m, at('2026-04-14T12:00:00Z'), at('2026-04-14T12:30:00Z'), 'tentative');
      await t.seedBusy(m, at('2026-04-14T13:00:00Z'), at('2026-04-14T15:00:00Z'), 'oof');
      await t.seedBusy(m, at('2026-04-20T07:00:00Z'), at('2026-04-20T08:00:00Z'), 'busy');
      const [s] = await t.calendar.getSchedules([m], at('2026-04-14T00:00:00Z'), at('2026-04-15T00:00:00Z'));
      assert.equal(s.mailbox, m);
      assert.equal(s.error, undefined);
      assert.ok(hasInterval(s, at('2026-04-14T07:00:00Z'), at('2026-04-14T08:00:00Z'), 'busy'), 'the busy hour');
      assert.ok(hasInterval(s, at('2026-04-14T12:00:00Z'), at('2026-04-14T12:30:00Z'), 'tentative'), 'the tentative half hour');
      assert.ok(hasInterval(s, at('2026-04-14T13:00:00Z'), at('2026-04-14T15:00:00Z'), 'oof'), 'out of office');
      assert.ok(!isBusyDuring(s, at('2026-04-20T00:00:00Z'), at('2026-04-21T00:00:00Z')), 'nothing from the next week');
      assert.ok(!isBusyDuring(s, at('2026-04-14T09:00:00Z'), at('2026-04-14T11:00:00Z')), 'free in between');
    });

    it('answers one schedule per mailbox, in the order asked, also for a mailbox with nothing in it', async function () {
      await t.seedBusy(mailbox('b'), at('2026-04-14T07:00:00Z'), at('2026-04-14T08:00:00Z'), 'busy');
      const schedules = await t.calendar.getSchedules([mailbox('b'), mailbox('empty')], at('2026-04-14T00:00:00Z'), at('2026-04-15T00:00:00Z'));
      assert.deepEqual(schedules.map((s) => s.mailbox), [mailbox('b'), mailbox('empty')]);
      assert.equal(schedules[1].busy.filter((b) => b.status !== 'free').length, 0);
    });

    it('gives the working hours a mailbox has', async function () {
      const wh: WorkingHours = { daysOfWeek: [1, 2, 3, 4, 5], startTime: '08:00', endTime: '15:30', timeZone: 'Europe/Oslo' };
      await t.seedWorkingHours(mailbox('a'), wh);
      const [s] = await t.calendar.getSchedules([mailbox('a')], at('2026-04-14T00:00:00Z'), at('2026-04-15T00:00:00Z'));
      assert.deepEqual(s.workingHours, wh);
    });

    it('shows a created event as busy, and frees the time when it is cancelled', async function () {
      const e = newEvent();
      const created = await t.calendar.createEvent(e);
      assert.ok(created.id);
      const window: [Date, Date] = [at('2026-04-14T00:00:00Z'), at('2026-04-15T00:00:00Z')];
      let [s] = await t.calendar.getSchedules([e.mailbox], ...window);
      assert.ok(hasInterval(s, e.start, e.end, 'busy'), 'busy while booked');
      await t.calendar.cancelEvent(e.mailbox, created.id, 'Bruker har meldt avbud.');
      [s] = await t.calendar.getSchedules([e.mailbox], ...window);
      assert.ok(!isBusyDuring(s, e.start, e.end), 'free after cancel');
    });

    it('reads, moves and cancels an event', async function () {
      const e = newEvent({ online: false, location: 'NAV Grünerløkka, møterom 2' });
      const { id } = await t.calendar.createEvent(e);
      const read = await t.calendar.getEvent(e.mailbox, id);
      assert.ok(read);
      assert.equal(read.start.getTime(), e.start.getTime());
      assert.equal(read.end.getTime(), e.end.getTime());
      assert.equal(read.isCancelled, false);

      const start = at('2026-04-15T11:00:00Z');
      const end = at('2026-04-15T11:45:00Z');
      await t.calendar.updateEvent(e.mailbox, id, { start, end });
      const moved = await t.calendar.getEvent(e.mailbox, id);
      assert.ok(moved);
      assert.equal(moved.start.getTime(), start.getTime());
      assert.equal(moved.end.getTime(), end.getTime());
      const [s] = await t.calendar.getSchedules([e.mailbox], at('2026-04-14T00:00:00Z'), at('2026-04-16T00:00:00Z'));
      assert.ok(hasInterval(s, start, end, 'busy'), 'busy at the new time');
      assert.ok(!isBusyDuring(s, e.start, e.end), 'free at the old time');

      await t.calendar.cancelEvent(e.mailbox, id, 'Flyttet til ny tid.');
      const cancelled = await t.calendar.getEvent(e.mailbox, id);
      assert.ok(cancelled === undefined || cancelled.isCancelled === true, 'cancelled: gone or marked');
    });

    it('makes one event for one transactionId, however often the create is sent', async function () {
      const e = newEvent();
      const first = await t.calendar.createEvent(e);
      const second = await t.calendar.createEvent({ ...e });
      assert.equal(second.id, first.id);
      const [s] = await t.calendar.getSchedules([e.mailbox], at('2026-04-14T00:00:00Z'), at('2026-04-15T00:00:00Z'));
      assert.equal(s.busy.filter((b) => b.start < e.end && b.end > e.start).length, 1, 'one busy interval, not two');
      const other = await t.calendar.createEvent({ ...e, transactionId: `${e.transactionId}-other`, start: at('2026-04-14T10:00:00Z'), end: at('2026-04-14T10:45:00Z') });
      assert.notEqual(other.id, first.id, 'a new transactionId is a new event');
    });

    it('answers for more than 20 mailboxes at once', async function () {
      const many = Array.from({ length: 45 }, (_, i) => mailbox(`many-${i}`));
      for (const [i, m] of many.entries()) {
        const start = new Date(at('2026-04-14T06:00:00Z').getTime() + (i % 10) * HOUR);
        await t.seedBusy(m, start, new Date(start.getTime() + 30 * 60_000), 'busy');
      }
      const schedules = await t.calendar.getSchedules(many, at('2026-04-14T00:00:00Z'), at('2026-04-15T00:00:00Z'));
      assert.deepEqual(schedules.map((s) => s.mailbox), many);
      for (const [i, s] of schedules.entries()) {
        const start = new Date(at('2026-04-14T06:00:00Z').getTime() + (i % 10) * HOUR);
        assert.equal(s.error, undefined, s.mailbox);
        assert.ok(hasInterval(s, start, new Date(start.getTime() + 30 * 60_000), 'busy'), s.mailbox);
        assert.equal(s.busy.filter((b) => b.status !== 'free').length, 1, `${s.mailbox}: only its own appointment`);
      }
    });

    it('answers for a window longer than 62 days, each appointment once', async function () {
      const m = mailbox('long');
      const from = at('2026-03-02T00:00:00Z');
      const to = new Date(from.getTime() + 150 * DAY);
      // Appointments across the points where an adapter may cut the window (every 30, 31, 60, 61, 62 days).
      const starts = [1, 30, 31, 60, 61, 62, 90, 91, 120, 122, 149].map((d) => new Date(from.getTime() + d * DAY - HOUR));
      for (const s of starts) await t.seedBusy(m, s, new Date(s.getTime() + 2 * HOUR), 'busy');
      const [s] = await t.calendar.getSchedules([m], from, to);
      assert.equal(s.error, undefined);
      for (const start of starts) assert.ok(hasInterval(s, start, new Date(start.getTime() + 2 * HOUR), 'busy'), start.toISOString());
      assert.equal(s.busy.filter((b) => b.status !== 'free').length, starts.length, 'no appointment twice');
    });

    it('keeps instants exact across the daylight-saving change (29 March 2026)', async function () {
      const m = mailbox('dst');
      // 01:30 CET → 04:30 CEST: the night the clocks go forward.
      await t.seedBusy(m, at('2026-03-29T00:30:00Z'), at('2026-03-29T02:30:00Z'), 'busy');
      // 23:30 → 00:30 CEST: over midnight in Oslo, the first evening of summer time.
      const e = newEvent({ mailbox: m, start: at('2026-03-29T21:30:00Z'), end: at('2026-03-29T22:30:00Z') });
      const { id } = await t.calendar.createEvent(e);
      const [s] = await t.calendar.getSchedules([m], at('2026-03-28T00:00:00Z'), at('2026-03-31T00:00:00Z'));
      assert.ok(hasInterval(s, at('2026-03-29T00:30:00Z'), at('2026-03-29T02:30:00Z'), 'busy'), 'the seeded night');
      assert.ok(hasInterval(s, e.start, e.end, 'busy'), 'the event over midnight');
      const read = await t.calendar.getEvent(m, id);
      assert.equal(read?.start.toISOString(), '2026-03-29T21:30:00.000Z');
      assert.equal(read?.end.toISOString(), '2026-03-29T22:30:00.000Z');
    });
  });
}
