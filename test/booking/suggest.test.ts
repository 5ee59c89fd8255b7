import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { DEMO_COUNSELLORS_FILE, loadCounsellors, type Counsellor } from '../../src/booking/counsellors.js';
import type { Booking } from '../../src/booking/model.js';
import { heldTimes, searchUntil, suggestSlots, veilederBusy, weeklyLoad, type SuggestDeps, type SuggestQuery } from '../../src/booking/suggest.js';
import type { Calendar, Schedule } from '../../src/calendar/calendar.js';
import { blockingEvent, EmbeddedCalendar } from '../../src/calendar/embedded-calendar.js';
import { LowdbStore } from '../../src/store/lowdb-store.js';

const ZONE = 'Europe/Oslo';
const oslo = (s: string) => DateTime.fromISO(s, { zone: ZONE });
const local = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE });
const now = oslo('2026-11-19T10:00').toJSDate(); // Thursday
const query = (over: Partial<SuggestQuery> = {}): SuggestQuery => ({ region: 'Nordfjord', format: 'teams', topic: 'karriereveiledning', durationMinutes: 45, timeOfDay: 'any', now, ...over });

function talk(n: number, mailbox: string, start: DateTime, state: Booking['state'] = 'bekreftet', proposed?: DateTime): Booking {
  const at = now.toISOString();
  return {
    id: `TS-2026-${String(n).padStart(4, '0')}`, year: 2026, number: n, version: 1, state, counsellor: { mailbox, name: mailbox }, start: start.toUTC().toISO()!, end: start.plus({ minutes: 45 }).toUTC().toISO()!,
    format: 'teams', topic: 'karriereveiledning', veilederJoins: true, brukerAlias: 'AB', veileder: { id: 'aad-kari', name: 'Kari', conversationKey: 'k' }, holdUntil: at, transactionId: `tx-${n}`,
    proposed: proposed ? { start: proposed.toUTC().toISO()!, end: proposed.plus({ minutes: 45 }).toUTC().toISO()! } : undefined, history: [], createdAt: at, updatedAt: at,
  };
}

describe('suggesting times (booking/suggest.ts): matching, weekly load, holds, the veileder\'s busy time', function () {
  this.timeout(30_000);
  let dir: string;
  let store: LowdbStore;
  let calendar: EmbeddedCalendar;
  let counsellors: Counsellor[];
  let deps: SuggestDeps;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'veiviser-suggest-'));
    store = await LowdbStore.open(dir);
    calendar = new EmbeddedCalendar(store);
    counsellors = await loadCounsellors(DEMO_COUNSELLORS_FILE);
    deps = { calendar, store, counsellors, rules: { workingDays: 1, periodWorkingDays: 10, bufferMinutes: 15 } };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers only counsellors who serve the region, format and topic, on different days after the notice', async () => {
    const slots = await suggestSlots(deps, query());
    assert.ok(slots.length >= 3 && slots.length <= 5);
    const serving = counsellors.filter((c) => c.regions.includes('Nordfjord') && c.topics.includes('karriereveiledning')).map((c) => c.mailbox);
    assert.ok(slots.every((s) => serving.includes(s.mailbox)), JSON.stringify(slots.map((s) => s.mailbox)));
    assert.equal(new Set(slots.map((s) => local(s.start).toISODate())).size, slots.length);
    assert.ok(slots.every((s) => local(s.start).toISODate()! >= '2026-11-20'));
    assert.deepEqual(await suggestSlots(deps, query({ region: 'Atlantis' })), [], 'nobody serves it: no times, no calendar read');
  });

  it('never offers a time held or proposed for another talk', async () => {
    const first = await suggestSlots(deps, query({ count: 5 }));
    const s = first[0];
    await store.createBooking(2026, (n) => talk(n, s.mailbox, local(s.start), 'holdt'), 0);
    await store.createBooking(2026, (n) => talk(n, first[1].mailbox, oslo('2026-12-01T09:00'), 'bekreftet', local(first[1].start)), 0);
    const again = await suggestSlots(deps, query({ count: 5 }));
    for (const taken of [s, first[1]]) assert.ok(!again.some((x) => x.mailbox === taken.mailbox && x.start.getTime() === taken.start.getTime()), 'held time not offered');
  });

  it('a counsellor with the week full of confirmed talks is not offered that week', async () => {
    const ingrid = counsellors.find((c) => c.name === 'Ingrid Solheim')!;
    const only: SuggestDeps = { ...deps, counsellors: [ingrid] };
    assert.ok((await suggestSlots(only, query({ count: 5 }))).some((s) => local(s.start).weekNumber === 48), 'offered that week before');
    // Week 48 (23–27 November): the weekly limit reached with talks at 06:00 and 07:00 (before her working hours, so they block no slot themselves).
    for (let i = 0; i < ingrid.maxTalksPerWeek; i++) await store.createBooking(2026, (n) => talk(n, ingrid.mailbox, oslo('2026-11-23T06:00').plus({ days: i % 5, hours: Math.floor(i / 5) }), 'bekreftet'), 0);
    const slots = await suggestSlots(only, query({ count: 5 }));
    assert.ok(slots.length > 0);
    assert.ok(slots.every((s) => local(s.start).weekNumber !== 48), slots.map((s) => local(s.start).toISODate()).join(', '));
  });

  it('the veileder\'s busy time counts when their mailbox is given, and a counsellor whose calendar fails is left out', async () => {
    const veileder = 'kari.veileder@nav.example.no';
    const before = await suggestSlots(deps, query({ veilederMailbox: veileder }));
    const day = local(before[0].start).startOf('day');
    await store.saveCalendarEvent(blockingEvent({ mailbox: veileder, subject: 'Kurs', start: day.toJSDate(), end: day.plus({ days: 1 }).toJSDate() }));
    const after = await suggestSlots(deps, query({ veilederMailbox: veileder }));
    assert.ok(after.every((s) => local(s.start).toISODate() !== day.toISODate()), 'nothing on the veileder\'s busy day');
    assert.ok((await suggestSlots(deps, query())).some((s) => local(s.start).toISODate() === day.toISODate()), 'without the mailbox, that day is offered');

    const failing: Calendar = {
      ...calendar,
      getSchedules: async (mailboxes, from, to) => (await calendar.getSchedules(mailboxes, from, to)).map((x): Schedule => (x.mailbox === before[0].mailbox ? { mailbox: x.mailbox, busy: [], error: 'Graph 503' } : x)),
    } as Calendar;
    const without = await suggestSlots({ ...deps, calendar: failing }, query());
    assert.ok(without.every((s) => s.mailbox !== before[0].mailbox), 'not offered blind');
  });

  it('has small parts a caller can use on their own', () => {
    const a = 'a@x.no';
    const bookings = [talk(1, a, oslo('2026-11-24T10:00')), talk(2, 'A@X.no', oslo('2026-11-25T10:00')), talk(3, a, oslo('2026-12-01T10:00')), talk(4, a, oslo('2026-11-26T10:00'), 'holdt', oslo('2026-11-27T12:00'))];
    assert.deepEqual(weeklyLoad(bookings, a), { '2026-W48': 2, '2026-W49': 1 }, 'confirmed talks only, mailbox in any case');
    assert.equal(heldTimes(bookings).length, 5, 'every talk and the one proposed time');
    assert.deepEqual(veilederBusy([{ mailbox: 'K@x.no', busy: [{ start: now, end: now, status: 'busy' }] }], 'k@x.no').length, 1);
    assert.deepEqual(veilederBusy([{ mailbox: 'k@x.no', busy: [{ start: now, end: now, status: 'busy' }], error: 'no access' }], 'k@x.no'), []);
    assert.deepEqual(veilederBusy([], undefined), []);
    assert.ok(searchUntil(now, 10).getTime() - now.getTime() >= 16 * 86_400_000);
  });
});
