/**
 * Demo data for the embedded calendar: each counsellor's working hours, and a believable set of
 * existing appointments over the next three weeks (team meetings, lunch, talks already booked,
 * tentative information meetings, drop-in at the karrieresenter, all-day course days, a night
 * ferry home that runs past midnight), so `npm start` offers realistic free slots.
 *
 * Deterministic: what a counsellor has on a date depends only on the mailbox and the date (a
 * small PRNG seeded by them; no Math.random), so a restart the next day adds the new days and
 * leaves the days already seeded as they were. Idempotent: every event has a fixed id and
 * transactionId, and the store writes an event only once.
 */
import { DateTime } from 'luxon';
import type { Counsellor } from '../booking/counsellors.js';
import { toWorkingHours } from '../booking/counsellors.js';
import type { Store, StoredCalendarEvent } from '../store/store.js';
import { isPublicHoliday } from '../tickets/working-time.js';
import { blockingEvent } from './embedded-calendar.js';

export type SeedStore = Pick<Store, 'setWorkingHours' | 'getWorkingHours' | 'saveCalendarEvents'>;

export interface SeedResult {
  counsellors: number;
  /** Events in the three weeks (those already there are not written again). */
  events: number;
}

/** FNV-1a, 32 bits. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small deterministic PRNG in [0, 1). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const at = (day: DateTime, hhmm: string): DateTime => {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute: minute || 0, second: 0, millisecond: 0 });
};

const NAV_OFFICES_FALLBACK = ['NAV Fjordvik', 'NAV Dalheim', 'NAV Sandvåg'];

/** The demo appointments of one counsellor on one local day. */
function dayPlan(c: Counsellor, index: number, count: number, day: DateTime, drop: boolean, now: Date): StoredCalendarEvent[] {
  const days = [...c.workingHours.days].sort((a, b) => a - b);
  if (!days.includes(day.weekday) || isPublicHoliday(day)) return [];
  const rnd = prng(hash(`${c.mailbox}|${day.toISODate()}`));
  const date = day.toISODate();
  const events: StoredCalendarEvent[] = [];
  const add = (kind: string, start: DateTime, end: DateTime, subject: string, extra: { status?: StoredCalendarEvent['status']; isAllDay?: boolean; location?: string } = {}) => {
    const transactionId = `demo-seed:${date}:${kind}`;
    events.push(blockingEvent({ mailbox: c.mailbox, id: `demo-${hash(`${c.mailbox}|${transactionId}`).toString(36)}-${date}`, transactionId, start: start.toJSDate(), end: end.toJSDate(), subject, now, ...extra }));
  };
  const open = at(day, c.workingHours.start);
  const close = at(day, c.workingHours.end);
  const week = day.weekNumber;

  // An all-day event once every three weeks: a course day or time off in lieu.
  if ((week + index) % 3 === 0 && day.weekday === days[index % days.length]) {
    if (index % 2 === 0) add('heldag', day.startOf('day'), day.plus({ days: 1 }).startOf('day'), 'Fagdag for karriereveiledere i fylket', { status: 'oof', isAllDay: true, location: 'Fylkeshuset, Fjordvik' });
    else add('heldag', day.startOf('day'), day.plus({ days: 1 }).startOf('day'), 'Avspasering', { status: 'oof', isAllDay: true });
    return events;
  }

  // A night ferry home from a gathering, across midnight into the second working day of the week
  // (one counsellor each week, in turn).
  if (week % count === index && days.length > 1 && day.weekday === days[1]) {
    add('nattferje', at(day.minus({ days: 1 }), '21:30'), at(day, '10:30'), 'Reise: nattferje hjem fra nettverkssamling', { status: 'oof' });
  }
  // Team meeting on the first working day of the week.
  if (day.weekday === days[0]) add('fagmote', open, open.plus({ hours: 1 }), 'Fagmøte karrieresenteret');
  // Drop-in at the karrieresenter in Fjordvik by, Wednesdays 12–15, in turn.
  if (drop && day.weekday === 3) add('drop-in', at(day, '12:00'), at(day, '15:00'), 'Drop-in på karrieresenteret', { location: 'Karrieresenteret Fjordvik by, Kaigata 4' });
  // Lunch, for those at work around noon.
  if (open <= at(day, '11:00') && close >= at(day, '12:30')) add('lunsj', at(day, '11:30'), at(day, '12:00'), 'Lunsj');

  const taken = events.map((e) => ({ s: Date.parse(e.start), e: Date.parse(e.end) }));
  const place = (kind: string, minutes: number, subject: string, extra: { status?: StoredCalendarEvent['status']; location?: string } = {}) => {
    const starts: DateTime[] = [];
    for (let t = open; t.plus({ minutes }) <= close; t = t.plus({ minutes: 15 })) starts.push(t);
    for (let tries = 0; tries < 8 && starts.length; tries++) {
      const s = starts[Math.floor(rnd() * starts.length)];
      const e = s.plus({ minutes });
      if (taken.some((b) => b.s < e.toMillis() && b.e > s.toMillis())) continue;
      taken.push({ s: s.toMillis(), e: e.toMillis() });
      add(kind, s, e, subject, extra);
      return;
    }
  };
  // Talks already booked (outside Veiviser): about half of the counsellor's weekly capacity.
  const talks = Math.floor(rnd() * (c.maxTalksPerWeek / days.length + 1));
  for (let n = 0; n < talks; n++) place(`samtale-${n + 1}`, 45, 'Veiledningssamtale', { location: rnd() < 0.5 ? 'Microsoft Teams-møte' : (c.formats.inPerson[0]?.office ?? 'Telefon') });
  // Now and then a tentative information meeting at a NAV office.
  if (rnd() < 0.3) {
    const offices = c.offices.length ? c.offices : NAV_OFFICES_FALLBACK;
    const office = offices[Math.floor(rnd() * offices.length)];
    place('infomote', 90, `Foreløpig: informasjonsmøte for veiledere, ${office}`, { status: 'tentative', location: office });
  }
  // Now and then an evening course (outside working hours: does not hide any slot).
  if (day.weekday === 2 && rnd() < 0.3) add('kveldskurs', at(day, '18:00'), at(day, '20:30'), 'Kveldskurs: «Voksen og usikker på veien videre»', { location: 'Karrieresenteret Fjordvik by' });
  return events;
}

/**
 * Sets each counsellor's working hours and writes the demo appointments from today through the
 * next three weeks (`days`), in one write. Safe to run at every start.
 */
export async function seedDemoCalendar(store: SeedStore, counsellors: Counsellor[], now: Date, opts: { days?: number } = {}): Promise<SeedResult> {
  for (const c of counsellors) {
    const wh = toWorkingHours(c);
    const current = await store.getWorkingHours(c.mailbox);
    if (JSON.stringify(current) !== JSON.stringify(wh)) await store.setWorkingHours(c.mailbox, wh);
  }
  const span = opts.days ?? 21;
  const dropIn = counsellors.filter((c) => c.formats.inPerson.some((p) => /fjordvik by/i.test(p.office)));
  const events: StoredCalendarEvent[] = [];
  counsellors.forEach((c, i) => {
    const first = DateTime.fromJSDate(now, { zone: c.workingHours.timeZone }).startOf('day');
    for (let d = 0; d <= span; d++) {
      const day = first.plus({ days: d });
      const drop = dropIn.length > 0 && dropIn[day.weekNumber % dropIn.length] === c;
      events.push(...dayPlan(c, i, counsellors.length, day, drop, now));
    }
  });
  if (events.length) await store.saveCalendarEvents(events);
  return { counsellors: counsellors.length, events: events.length };
}
