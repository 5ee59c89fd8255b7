import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { DEMO_COUNSELLORS_FILE, loadCounsellors, type Counsellor } from '../../src/booking/counsellors.js';
import { findSlots } from '../../src/booking/slot-finder.js';
import { CalendarError, type NewEvent, type WorkingHours } from '../../src/calendar/calendar.js';
import { seedDemoCalendar } from '../../src/calendar/demo-seed.js';
import { blockingEvent, DEMO_JOIN_URL_PREFIX, DEMO_LINK_NOTE, EmbeddedCalendar, isDemoJoinUrl } from '../../src/calendar/embedded-calendar.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';
import { StoreCorruptError, type StoredCalendarEvent } from '../../src/store/store.js';
import { isPublicHoliday } from '../../src/tickets/working-time.js';
import { calendarContract } from './contract.js';

const MB = 'ingrid.solheim@fjordvik.example.no';
const WH: WorkingHours = { daysOfWeek: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '15:00', timeZone: 'Europe/Oslo' };
const T = (iso: string) => new Date(iso);
const talk = (over: Partial<NewEvent> = {}): NewEvent => ({
  mailbox: MB,
  subject: 'Trepartssamtale – karriereveiledning',
  bodyHtml: '<p>Agenda: læringsløp, realkompetanse, livsopphold, hvem gjør hva.</p>',
  start: T('2026-11-24T09:00:00Z'),
  end: T('2026-11-24T09:45:00Z'),
  attendees: [{ email: 'veileder@nav.example.no', name: 'Veileder', type: 'required' }],
  online: true,
  transactionId: 'tx-1',
  ...over,
});

async function rejectsWith(p: Promise<unknown>, status: number, pattern?: RegExp): Promise<void> {
  await assert.rejects(p, (e: Error) => e instanceof CalendarError && e.status === status && (!pattern || pattern.test(e.message)));
}

calendarContract('embedded calendar (lowdb store)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'veiviser-calendar-contract-'));
  const store = await LowdbStore.open(dir);
  return {
    calendar: new EmbeddedCalendar(store),
    seedBusy: async (mailbox, start, end, status) => {
      await store.saveCalendarEvent(blockingEvent({ mailbox, start, end, status }));
    },
    seedWorkingHours: (mailbox, wh) => store.setWorkingHours(mailbox, wh),
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('embedded calendar', () => {
  let dir: string;
  let store: LowdbStore;
  let calendar: EmbeddedCalendar;
  let clock: Date;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veiviser-calendar-'));
    store = await LowdbStore.open(dir);
    clock = T('2026-11-20T12:00:00Z');
    calendar = new EmbeddedCalendar(store, { now: () => clock });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports busy time in the window (cancelled events left out) and working hours, per mailbox in the order asked', async () => {
    const other = 'leila.haddad@fjordvik.example.no';
    await store.setWorkingHours(MB, WH);
    await store.saveCalendarEvents([
      blockingEvent({ mailbox: MB, start: T('2026-11-23T08:00:00Z'), end: T('2026-11-23T09:00:00Z'), status: 'busy' }),
      blockingEvent({ mailbox: MB, start: T('2026-11-23T12:00:00Z'), end: T('2026-11-23T13:30:00Z'), status: 'tentative' }),
      blockingEvent({ mailbox: MB, start: T('2026-11-23T23:00:00Z'), end: T('2026-11-24T23:00:00Z'), status: 'oof', isAllDay: true }),
      blockingEvent({ mailbox: MB, start: T('2026-11-30T08:00:00Z'), end: T('2026-11-30T09:00:00Z') }), // after the window
      { ...blockingEvent({ mailbox: MB, start: T('2026-11-23T10:00:00Z'), end: T('2026-11-23T11:00:00Z') }), isCancelled: true },
      blockingEvent({ mailbox: other, start: T('2026-11-22T22:00:00Z'), end: T('2026-11-23T09:30:00Z'), status: 'oof' }), // across midnight, into the window
    ]);
    const [mine, theirs, nobody] = await calendar.getSchedules([MB, other, 'ukjent@fjordvik.example.no'], T('2026-11-23T00:00:00Z'), T('2026-11-28T00:00:00Z'));
    assert.equal(mine.mailbox, MB);
    assert.deepEqual(mine.workingHours, WH);
    assert.deepEqual(
      mine.busy.map((b) => [b.start.toISOString(), b.end.toISOString(), b.status]),
      [
        ['2026-11-23T08:00:00.000Z', '2026-11-23T09:00:00.000Z', 'busy'],
        ['2026-11-23T12:00:00.000Z', '2026-11-23T13:30:00.000Z', 'tentative'],
        ['2026-11-23T23:00:00.000Z', '2026-11-24T23:00:00.000Z', 'oof'],
      ],
    );
    assert.deepEqual(theirs.busy.map((b) => [b.start.toISOString(), b.status]), [['2026-11-22T22:00:00.000Z', 'oof']]);
    assert.equal(theirs.workingHours, undefined);
    assert.deepEqual(nobody, { mailbox: 'ukjent@fjordvik.example.no', busy: [] });
  });

  it('matches mailboxes without regard to case', async () => {
    await store.setWorkingHours('Ingrid.Solheim@Fjordvik.example.no', WH);
    const { id } = await calendar.createEvent(talk({ mailbox: 'INGRID.SOLHEIM@fjordvik.example.no' }));
    const [s] = await calendar.getSchedules([MB], T('2026-11-24T00:00:00Z'), T('2026-11-25T00:00:00Z'));
    assert.equal(s.busy.length, 1);
    assert.deepEqual(s.workingHours, WH);
    assert.equal((await calendar.getEvent(MB, id))?.id, id);
  });

  it('creates a Teams talk with a demo join link, and an in-person talk with its place; both block the time', async () => {
    const online = await calendar.createEvent(talk());
    assert.ok(online.joinUrl?.startsWith(DEMO_JOIN_URL_PREFIX));
    assert.equal(online.joinUrl, `https://teams.microsoft.com/l/meetup-join/veiviser-demo/${online.id}`);
    assert.ok(isDemoJoinUrl(online.joinUrl));
    const stored = (await store.getCalendarEvent(MB, online.id)) as StoredCalendarEvent;
    assert.equal(stored.subject, 'Trepartssamtale – karriereveiledning');
    assert.deepEqual(stored.attendees, [{ email: 'veileder@nav.example.no', name: 'Veileder', type: 'required' }]);
    assert.ok(stored.bodyHtml.startsWith('<p>Agenda'));
    assert.ok(stored.bodyHtml.includes(online.joinUrl) && stored.bodyHtml.includes(DEMO_LINK_NOTE), 'the body marks the link as a demo link');
    assert.equal(stored.transactionId, 'tx-1');
    assert.equal(stored.createdAt, '2026-11-20T12:00:00.000Z');

    const inPerson = await calendar.createEvent(talk({ online: false, location: 'Karrieresenteret Dalheim, Dalheimsvegen 21, 6950 Dalheim', transactionId: 'tx-2', start: T('2026-11-24T10:00:00Z'), end: T('2026-11-24T10:45:00Z') }));
    assert.equal(inPerson.joinUrl, undefined);
    assert.notEqual(inPerson.id, online.id);
    assert.equal((await store.getCalendarEvent(MB, inPerson.id))?.location, 'Karrieresenteret Dalheim, Dalheimsvegen 21, 6950 Dalheim');
    assert.ok(!isDemoJoinUrl(undefined) && !isDemoJoinUrl('https://teams.microsoft.com/l/meetup-join/19%3ameeting_x'));

    const [s] = await calendar.getSchedules([MB], T('2026-11-24T00:00:00Z'), T('2026-11-25T00:00:00Z'));
    assert.deepEqual(s.busy.map((b) => [b.start.toISOString(), b.status]), [['2026-11-24T09:00:00.000Z', 'busy'], ['2026-11-24T10:00:00.000Z', 'busy']]);
  });

  it('a retried create with the same transactionId returns the same event, also when the retries race', async () => {
    const first = await calendar.createEvent(talk());
    const again = await calendar.createEvent(talk({ subject: 'ignored on a retry' }));
    assert.deepEqual(again, first);
    const raced = await Promise.all(Array.from({ length: 8 }, () => calendar.createEvent(talk({ transactionId: 'tx-race', start: T('2026-11-25T09:00:00Z'), end: T('2026-11-25T09:45:00Z') }))));
    assert.equal(new Set(raced.map((r) => r.id)).size, 1);
    // The key is per mailbox: another counsellor's calendar gets its own event.
    const elsewhere = await calendar.createEvent(talk({ mailbox: 'yonas.tesfay@fjordvik.example.no' }));
    assert.notEqual(elsewhere.id, first.id);
    const [mine] = await calendar.getSchedules([MB], T('2026-11-24T00:00:00Z'), T('2026-11-26T00:00:00Z'));
    assert.equal(mine.busy.length, 2);
    assert.equal((await store.listCalendarEvents(MB, T('2026-11-24T00:00:00Z'), T('2026-11-26T00:00:00Z'))).length, 2);
  });

  it('moves and changes an event; the join link stays in a new body', async () => {
    const { id, joinUrl } = await calendar.createEvent(talk());
    clock = T('2026-11-21T08:00:00Z');
    await calendar.updateEvent(MB, id, { start: T('2026-11-26T13:00:00Z'), end: T('2026-11-26T13:45:00Z'), bodyHtml: '<p>Ny agenda</p>' });
    assert.deepEqual(await calendar.getEvent(MB, id), { id, start: T('2026-11-26T13:00:00Z'), end: T('2026-11-26T13:45:00Z'), isCancelled: false });
    await calendar.updateEvent(MB, id, { subject: 'Trepartssamtale – flyttet', location: 'Microsoft Teams-møte' });
    const stored = (await store.getCalendarEvent(MB, id)) as StoredCalendarEvent;
    assert.equal(stored.subject, 'Trepartssamtale – flyttet');
    assert.equal(stored.start, '2026-11-26T13:00:00.000Z');
    assert.ok(stored.bodyHtml.startsWith('<p>Ny agenda</p>') && stored.bodyHtml.includes(joinUrl as string));
    assert.equal(stored.joinUrl, joinUrl);
    assert.equal(stored.transactionId, 'tx-1');
    assert.equal(stored.createdAt, '2026-11-20T12:00:00.000Z');
    assert.equal(stored.updatedAt, '2026-11-21T08:00:00.000Z');
    // Only the start moved: the end must still come after it.
    await rejectsWith(calendar.updateEvent(MB, id, { start: T('2026-11-26T14:00:00Z') }), 400);
    await rejectsWith(calendar.updateEvent(MB, 'no-such-event', { subject: 'x' }), 404);
    await rejectsWith(calendar.updateEvent('yonas.tesfay@fjordvik.example.no', id, { subject: 'x' }), 404);
  });

  it('cancels: the event stays, marked cancelled, with its time free again; a retried cancel is harmless; a cancelled event cannot be moved', async () => {
    const { id } = await calendar.createEvent(talk());
    await calendar.cancelEvent(MB, id, 'Brukeren har fått jobb.');
    await calendar.cancelEvent(MB, id, 'retried');
    assert.deepEqual(await calendar.getEvent(MB, id), { id, start: T('2026-11-24T09:00:00Z'), end: T('2026-11-24T09:45:00Z'), isCancelled: true });
    assert.equal((await store.getCalendarEvent(MB, id))?.cancelComment, 'Brukeren har fått jobb.');
    const [s] = await calendar.getSchedules([MB], T('2026-11-24T00:00:00Z'), T('2026-11-25T00:00:00Z'));
    assert.deepEqual(s.busy, []);
    await rejectsWith(calendar.updateEvent(MB, id, { subject: 'x' }), 404, /avlyst/);
    await rejectsWith(calendar.cancelEvent(MB, 'no-such-event', 'x'), 404);
    // A retried create after the cancel still finds the (cancelled) event, never a second one.
    assert.equal((await calendar.createEvent(talk())).id, id);
  });

  it('getEvent: undefined for an event that does not exist', async () => {
    assert.equal(await calendar.getEvent(MB, 'no-such-event'), undefined);
  });

  it('rejects an empty window, an event that ends before it starts, and an event without a key or mailbox', async () => {
    await rejectsWith(calendar.getSchedules([MB], T('2026-11-24T00:00:00Z'), T('2026-11-24T00:00:00Z')), 400);
    await rejectsWith(calendar.createEvent(talk({ end: T('2026-11-24T08:00:00Z') })), 400);
    await rejectsWith(calendar.createEvent(talk({ transactionId: '' })), 400);
    await rejectsWith(calendar.createEvent(talk({ mailbox: ' ' })), 400);
    await rejectsWith(calendar.createEvent(talk({ start: new Date('not a date') })), 400);
    assert.deepEqual(await store.listCalendarEvents(MB, T('2026-01-01T00:00:00Z'), T('2027-01-01T00:00:00Z')), []);
  });
});

describe('embedded calendar in the lowdb store', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'veiviser-calendar-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('survives a restart: events, moves, cancellations and working hours', async () => {
    const s1 = await LowdbStore.open(dir);
    const c1 = new EmbeddedCalendar(s1);
    await s1.setWorkingHours(MB, WH);
    const kept = await c1.createEvent(talk());
    const cancelled = await c1.createEvent(talk({ transactionId: 'tx-2', start: T('2026-11-25T09:00:00Z'), end: T('2026-11-25T09:45:00Z') }));
    await c1.updateEvent(MB, kept.id, { start: T('2026-11-24T10:00:00Z'), end: T('2026-11-24T10:45:00Z') });
    await c1.cancelEvent(MB, cancelled.id, 'Avlyst');
    await s1.close();

    const s2 = await LowdbStore.open(dir);
    const c2 = new EmbeddedCalendar(s2);
    assert.deepEqual(await s2.getWorkingHours(MB), WH);
    assert.deepEqual(await c2.getEvent(MB, kept.id), { id: kept.id, start: T('2026-11-24T10:00:00Z'), end: T('2026-11-24T10:45:00Z'), isCancelled: false });
    assert.equal((await c2.getEvent(MB, cancelled.id))?.isCancelled, true);
    const [s] = await c2.getSchedules([MB], T('2026-11-24T00:00:00Z'), T('2026-11-26T00:00:00Z'));
    assert.deepEqual(s.busy.map((b) => b.start.toISOString()), ['2026-11-24T10:00:00.000Z']);
    // The idempotency key survives too.
    assert.deepEqual(await c2.createEvent(talk()), kept);
    await s2.close();
  });

  it('a data file written before the calendar existed still loads, and keeps its data', async () => {
    const file = join(dir, 'veiviser.json');
    writeFileSync(file, JSON.stringify({ version: 1, questions: [{ id: 'q1', at: '2026-01-01T00:00:00.000Z', userHash: 'h', conversationType: 'personal', outcome: 'answer' }], conversations: {}, tickets: [], ticketSeq: {}, outbox: [], channels: [], veiledere: {} }));
    const s = await LowdbStore.open(dir);
    assert.equal(await s.getWorkingHours(MB), undefined);
    assert.deepEqual(await s.listCalendarEvents(MB, T('2026-01-01T00:00:00Z'), T('2027-01-01T00:00:00Z')), []);
    await s.setWorkingHours(MB, WH);
    await s.close();
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    // The question moved to its month file when the old layout was migrated (test/store/lowdb-store.test.ts).
    const again = await LowdbStore.open(dir);
    assert.deepEqual((await again.listQuestions()).map((q) => q.id), ['q1']);
    await again.close();
    assert.deepEqual(saved.workingHours, { [MB]: WH });
    assert.deepEqual(saved.calendarEvents, {});
  });

  it('a corrupt data file still stops the app, and is left as it was', async () => {
    const file = join(dir, 'veiviser.json');
    const broken = '{"version":1,"questions":[],"conversations":{},"calendarEvents":{"a@b.no":[{"id":';
    writeFileSync(file, broken);
    await assert.rejects(LowdbStore.open(dir), (e: Error) => e instanceof StoreCorruptError && e.message.includes('veiviser.json') && /ødelagt/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), broken);
    for (const wrong of [{ calendarEvents: [] }, { calendarEvents: { 'a@b.no': {} } }, { workingHours: 'x' }]) {
      const text = JSON.stringify({ version: 1, questions: [], conversations: {}, ...wrong });
      writeFileSync(file, text);
      await assert.rejects(LowdbStore.open(dir), (e: Error) => e instanceof StoreCorruptError && /calendarEvents|workingHours/.test(e.message), JSON.stringify(wrong));
      assert.equal(readFileSync(file, 'utf8'), text);
    }
  });
});

describe('demo calendar seed', () => {
  let dir: string;
  let store: LowdbStore;
  let counsellors: Counsellor[];
  const ALL = [T('2020-01-01T00:00:00Z'), T('2030-01-01T00:00:00Z')] as const;
  const allEvents = async (s = store): Promise<StoredCalendarEvent[]> => (await Promise.all(counsellors.map((c) => s.listCalendarEvents(c.mailbox, ...ALL)))).flat();
  const local = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Oslo' });
  const seededDate = (e: StoredCalendarEvent) => e.transactionId?.split(':')[1] ?? '';

  before(async () => (counsellors = await loadCounsellors(DEMO_COUNSELLORS_FILE)));
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veiviser-seed-'));
    store = await LowdbStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets every counsellor\'s working hours from the directory', async () => {
    await seedDemoCalendar(store, counsellors, T('2026-11-23T07:00:00Z'));
    for (const c of counsellors) assert.deepEqual(await store.getWorkingHours(c.mailbox), { daysOfWeek: c.workingHours.days, startTime: c.workingHours.start, endTime: c.workingHours.end, timeZone: 'Europe/Oslo' });
    const leila = await new EmbeddedCalendar(store).getSchedules(['leila.haddad@fjordvik.example.no'], T('2026-11-23T00:00:00Z'), T('2026-11-24T00:00:00Z'));
    assert.deepEqual(leila[0].workingHours?.daysOfWeek, [2, 3, 4]);
  });

  it('is idempotent and deterministic: the same days give the same appointments, whatever the time of day or the store', async () => {
    const now = T('2026-11-23T07:00:00Z');
    const first = await seedDemoCalendar(store, counsellors, now);
    const before = await allEvents();
    assert.equal(before.length, first.events);
    await seedDemoCalendar(store, counsellors, now);
    await seedDemoCalendar(store, counsellors, T('2026-11-23T15:30:00Z'));
    assert.deepEqual(await allEvents(), before);

    const otherDir = mkdtempSync(join(tmpdir(), 'veiviser-seed-'));
    try {
      const other = await LowdbStore.open(otherDir);
      await seedDemoCalendar(other, counsellors, T('2026-11-23T11:11:00Z'));
      const strip = (es: StoredCalendarEvent[]) => es.map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest);
      assert.deepEqual(strip(await allEvents(other)), strip(before));
      await other.close();
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('a start on a later day adds the new days and leaves the seeded days as they were', async () => {
    await seedDemoCalendar(store, counsellors, T('2026-11-23T07:00:00Z'));
    const before = await allEvents();
    await seedDemoCalendar(store, counsellors, T('2026-11-26T07:00:00Z'));
    const after = await allEvents();
    const key = (e: StoredCalendarEvent) => `${e.mailbox}|${e.id}`;
    const afterById = new Map(after.map((e) => [key(e), e]));
    for (const e of before) assert.deepEqual(afterById.get(key(e)), e);
    const added = after.filter((e) => !before.some((b) => key(b) === key(e)));
    assert.ok(added.length > 0);
    assert.ok(added.every((e) => seededDate(e) > '2026-12-14'), 'only days beyond the first three weeks are new');
    assert.equal(new Set(after.map(key)).size, after.length);
  });

  it('is realistic: lunch, tentative meetings, all-day events, a night across midnight; nothing on holidays or days off', async () => {
    // Three weeks with Ascension Day (14 May), 17 May (a Sunday) and Whit Monday (25 May 2026).
    const result = await seedDemoCalendar(store, counsellors, T('2026-05-11T06:00:00Z'));
    const events = await allEvents();
    assert.ok(result.events > 100, `${result.events} events`);
    assert.ok(events.some((e) => e.subject === 'Lunsj' && local(e.start).toFormat('HH:mm') === '11:30' && local(e.end).toFormat('HH:mm') === '12:00'));
    assert.ok(events.some((e) => e.status === 'tentative'));
    const allDay = events.filter((e) => e.isAllDay);
    assert.ok(allDay.length >= 3, `${allDay.length} all-day events`);
    for (const e of allDay) {
      assert.equal(local(e.start).toFormat('HH:mm'), '00:00');
      assert.equal(local(e.end).toISODate(), local(e.start).plus({ days: 1 }).toISODate());
    }
    const overnight = events.filter((e) => !e.isAllDay && local(e.start).toISODate() !== local(e.end).toISODate());
    assert.ok(overnight.length >= 3, 'one night across midnight each week');
    assert.ok(events.every((e) => !e.isCancelled && e.attendees.length === 0 && Date.parse(e.end) > Date.parse(e.start)));
    const kinds = /^(Lunsj|Veiledningssamtale|Fagmøte karrieresenteret|Drop-in på karrieresenteret|Avspasering|Fagdag for karriereveiledere i fylket|Foreløpig: informasjonsmøte for veiledere, NAV [A-ZÆØÅ][a-zæøå]+|Reise: nattferje hjem fra nettverkssamling|Kveldskurs: «Voksen og usikker på veien videre»)$/;
    for (const e of events) assert.match(e.subject, kinds, 'subjects hold no personal data');
    for (const kind of ['Lunsj', 'Veiledningssamtale', 'Fagmøte karrieresenteret', 'Drop-in på karrieresenteret']) assert.ok(events.some((e) => e.subject === kind), kind);
    for (const e of events) {
      const day = DateTime.fromISO(seededDate(e), { zone: 'Europe/Oslo' });
      assert.ok(!isPublicHoliday(day), `${e.subject} on ${seededDate(e)}`);
      const c = counsellors.find((x) => x.mailbox === e.mailbox) as Counsellor;
      assert.ok(c.workingHours.days.includes(day.weekday), `${c.name} has ${e.subject} on a day off (${seededDate(e)})`);
    }
    assert.ok(!events.some((e) => seededDate(e) === '2026-05-14' || seededDate(e) === '2026-05-25'));
  });

  it('leaves believable free slots for the slot finder, for every counsellor', async () => {
    const now = T('2026-11-23T07:00:00Z');
    await seedDemoCalendar(store, counsellors, now);
    const schedules = await new EmbeddedCalendar(store).getSchedules(counsellors.map((c) => c.mailbox), now, T('2026-12-14T23:00:00Z'));
    const busy = new Map(schedules.map((s) => [s.mailbox, s.busy]));
    for (const c of counsellors) {
      const slots = findSlots([{ mailbox: c.mailbox, name: c.name, workingHours: c.workingHours, busy: busy.get(c.mailbox) ?? [], maxPerWeek: c.maxTalksPerWeek }], { now, count: 5 });
      assert.ok(slots.length >= 3, `${c.name}: ${slots.length} slots`);
      assert.ok(new Set(slots.map((s) => local(s.start.toISOString()).toISODate())).size >= 3, `${c.name}: slots on different days`);
    }
    const all = findSlots(counsellors.map((c) => ({ mailbox: c.mailbox, name: c.name, workingHours: c.workingHours, busy: busy.get(c.mailbox) ?? [], maxPerWeek: c.maxTalksPerWeek })), { now });
    assert.equal(all.length, 4);
  });
});
