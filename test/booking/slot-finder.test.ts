import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { BusyInterval } from '../../src/calendar/calendar.js';
import { findSlots, formatSlotTime, type SlotCounsellor } from '../../src/booking/slot-finder.js';

const oslo = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Oslo' });
const local = (d: Date) => DateTime.fromJSDate(d, { zone: 'Europe/Oslo' });
const busy = (from: string, to: string, status: BusyInterval['status'] = 'busy'): BusyInterval => ({ start: oslo(from).toJSDate(), end: oslo(to).toJSDate(), status });
const counsellor = (over: Partial<SlotCounsellor> = {}): SlotCounsellor => ({
  mailbox: 'anne@fjordvik.example.no', name: 'Anne Karriere', workingHours: { days: [1, 2, 3, 4, 5], start: '08:00', end: '16:00' }, busy: [], ...over,
});

describe('slot finder', () => {
  it('proposes 3–5 slots on different days, inside working hours, from the next working day', () => {
    const now = oslo('2026-11-18T10:00').toJSDate(); // Wednesday
    const slots = findSlots([counsellor()], { now, count: 4 });
    assert.equal(slots.length, 4);
    const days = new Set(slots.map((s) => local(s.start).toISODate()));
    assert.equal(days.size, 4, 'spread over different days');
    for (const s of slots) {
      const l = local(s.start);
      assert.ok(l.toISODate()! > '2026-11-18', 'not today');
      assert.ok(l.weekday <= 5);
      assert.ok(l.hour >= 8 && local(s.end).hour * 60 + local(s.end).minute <= 16 * 60);
      assert.equal((s.end.getTime() - s.start.getTime()) / 60_000, 45);
    }
    assert.equal(local(slots[0].start).toISODate(), '2026-11-19');
  });

  it('is right across the daylight-saving changes (29 March and 25 October 2026, 28 March 2027)', () => {
    const spring = findSlots([counsellor()], { now: oslo('2026-03-27T12:00').toJSDate(), count: 3 });
    assert.equal(spring[0].start.toISOString(), '2026-03-30T06:00:00.000Z', '08:00 CEST on Monday 30 March');
    const autumn = findSlots([counsellor()], { now: oslo('2026-10-23T12:00').toJSDate(), count: 3 });
    assert.equal(autumn[0].start.toISOString(), '2026-10-26T07:00:00.000Z', '08:00 CET on Monday 26 October');
    const spring27 = findSlots([counsellor()], { now: oslo('2027-03-26T12:00').toJSDate(), count: 3 });
    // Easter Sunday 2027 is 28 March, the day of the change; the request is made on Good Friday
    // (a holiday) and Monday 29th is Andre påskedag, so it counts from Tuesday: one working day's
    // notice gives Wednesday 31 March, 08:00 CEST.
    assert.equal(spring27[0].start.toISOString(), '2027-03-31T06:00:00.000Z', '08:00 CEST on Wednesday 31 March 2027');
    for (const s of [...spring, ...autumn, ...spring27]) assert.equal(local(s.start).hour >= 8, true);
  });

  it('skips Norwegian public holidays: Easter, 17 May, Ascension, Whit Monday, Christmas', () => {
    const easter = findSlots([counsellor()], { now: oslo('2026-03-31T12:00').toJSDate(), count: 5, periodWorkingDays: 5 });
    const easterDays = easter.map((s) => local(s.start).toISODate());
    for (const holiday of ['2026-04-02', '2026-04-03', '2026-04-06']) assert.ok(!easterDays.includes(holiday), holiday);
    assert.ok(easterDays.includes('2026-04-01'));
    const may = findSlots([counsellor()], { now: oslo('2026-05-12T12:00').toJSDate(), count: 5, periodWorkingDays: 10 }).map((s) => local(s.start).toISODate());
    for (const holiday of ['2026-05-14', '2026-05-25']) assert.ok(!may.includes(holiday), holiday);
    const may27 = findSlots([counsellor()], { now: oslo('2027-05-14T12:00').toJSDate(), count: 3 }).map((s) => local(s.start).toISODate());
    assert.ok(!may27.includes('2027-05-17'), '17 May 2027 is a Monday and a holiday');
    const xmas = findSlots([counsellor()], { now: oslo('2026-12-23T12:00').toJSDate(), count: 3 }).map((s) => local(s.start).toISODate());
    assert.ok(!xmas.includes('2026-12-25'));
    assert.equal(xmas[0], '2026-12-24');
  });

  it('gives a request made after the working day, or on a day off, a whole working day\'s notice', () => {
    // Thursday 20:53: not Friday morning (13 hours' notice), but Monday.
    const evening = findSlots([counsellor()], { now: oslo('2026-11-19T20:53').toJSDate(), count: 3 });
    assert.equal(local(evening[0].start).toISODate(), '2026-11-23');
    // Thursday 14:00, still the working day: Friday.
    assert.equal(local(findSlots([counsellor()], { now: oslo('2026-11-19T14:00').toJSDate(), count: 3 })[0].start).toISODate(), '2026-11-20');
    // Saturday: counts from Monday, so Tuesday.
    assert.equal(local(findSlots([counsellor()], { now: oslo('2026-11-21T11:00').toJSDate(), count: 3 })[0].start).toISODate(), '2026-11-24');
    // The evening before a holiday (Wednesday 16 December 2026 → Thursday counts → Friday 18th; Christmas Eve 23:00 → 28th counts → 29th).
    assert.equal(local(findSlots([counsellor()], { now: oslo('2026-12-16T19:00').toJSDate(), count: 3 })[0].start).toISODate(), '2026-12-18');
    assert.equal(local(findSlots([counsellor()], { now: oslo('2026-12-24T23:00').toJSDate(), count: 3 })[0].start).toISODate(), '2026-12-29');
    // Two days' notice, configured.
    assert.equal(local(findSlots([counsellor()], { now: oslo('2026-11-19T20:53').toJSDate(), count: 3, noticeWorkingDays: 2 })[0].start).toISODate(), '2026-11-24');
  });

  it('follows each counsellor\'s own working hours', () => {
    const b = counsellor({ mailbox: 'bjorn@fjordvik.example.no', name: 'Bjørn', workingHours: { days: [1, 2, 3, 4], start: '09:00', end: '15:00' } });
    const slots = findSlots([b], { now: oslo('2026-11-19T12:00').toJSDate(), count: 5 });
    for (const s of slots) {
      assert.notEqual(local(s.start).weekday, 5, 'no Fridays');
      assert.ok(local(s.start).hour >= 9);
      assert.ok(local(s.end) <= local(s.end).set({ hour: 15, minute: 0 }));
    }
  });

  it('treats busy, tentative, all-day and out-of-office time as taken, with a buffer between talks', () => {
    const c = counsellor({
      busy: [
        busy('2026-11-19T00:00', '2026-11-20T00:00', 'oof'), // all day Thursday
        busy('2026-11-20T08:00', '2026-11-20T10:00', 'tentative'),
        busy('2026-11-20T10:00', '2026-11-20T11:00'),
        busy('2026-11-22T23:00', '2026-11-23T08:30'), // overlaps midnight into Monday morning
        busy('2026-11-24T08:00', '2026-11-24T09:00', 'free'),
        busy('2026-11-24T09:00', '2026-11-24T10:00', 'workingElsewhere'),
      ],
    });
    const slots = findSlots([c], { now: oslo('2026-11-18T12:00').toJSDate(), count: 4 });
    const byDay = Object.fromEntries(slots.map((s) => [local(s.start).toISODate(), local(s.start).toFormat('HH:mm')]));
    assert.equal(byDay['2026-11-19'], undefined, 'all-day absence');
    assert.equal(byDay['2026-11-20'], '11:15', 'after tentative + busy, with a 15 min buffer');
    assert.equal(byDay['2026-11-23'], '08:45', 'after the event that started the evening before');
    assert.equal(byDay['2026-11-24'], '08:00', 'free and working-elsewhere do not block');
  });

  it('offers the least-loaded counsellor first and respects the weekly limit', () => {
    const busyOne = counsellor({ mailbox: 'anne@x', name: 'Anne', bookedPerWeek: { '2026-W48': 4 }, maxPerWeek: 5 });
    const idle = counsellor({ mailbox: 'bo@x', name: 'Bo', bookedPerWeek: {}, maxPerWeek: 5 });
    const slots = findSlots([busyOne, idle], { now: oslo('2026-11-20T12:00').toJSDate(), count: 3 });
    assert.equal(slots[0].mailbox, 'bo@x');
    const full = counsellor({ mailbox: 'cato@x', name: 'Cato', bookedPerWeek: { '2026-W48': 3 }, maxPerWeek: 3 });
    const s2 = findSlots([full], { now: oslo('2026-11-20T12:00').toJSDate(), count: 3 });
    assert.ok(s2.every((s) => local(s.start).weekNumber !== 48), 'no slots in a full week');
  });

  it('never offers a held slot, and "Andre tider" gives a new set', () => {
    const now = oslo('2026-11-18T12:00').toJSDate();
    const first = findSlots([counsellor()], { now, count: 3 });
    const held = [{ mailbox: first[0].mailbox, start: first[0].start, end: first[0].end }];
    const withHold = findSlots([counsellor()], { now, count: 3, held });
    assert.ok(!withHold.some((s) => s.start.getTime() < first[0].end.getTime() + 15 * 60_000 && s.end.getTime() > first[0].start.getTime() - 15 * 60_000), 'held time (with buffer) is not offered');
    const next = findSlots([counsellor()], { now, count: 3, exclude: first.map((s) => ({ mailbox: s.mailbox, start: s.start })) });
    const firstKeys = new Set(first.map((s) => s.start.getTime()));
    assert.ok(next.every((s) => !firstKeys.has(s.start.getTime())));
    assert.ok(next.every((s) => !first.some((f) => local(f.start).hasSame(local(s.start), 'day'))), 'new days first');
  });

  it('honours a morning or afternoon preference', () => {
    const now = oslo('2026-11-18T12:00').toJSDate();
    assert.ok(findSlots([counsellor()], { now, timeOfDay: 'afternoon' }).every((s) => local(s.start).hour >= 12));
    assert.ok(findSlots([counsellor()], { now, timeOfDay: 'morning' }).every((s) => local(s.start).hour < 12));
  });

  it('shows times in Norwegian, in Europe/Oslo', () => {
    assert.equal(formatSlotTime(new Date('2026-03-30T06:00:00Z')), 'mandag 30. mars kl. 08.00');
    assert.equal(formatSlotTime(new Date('2026-10-26T07:00:00Z')), 'mandag 26. okt. kl. 08.00');
  });
});
