/**
 * Finds concrete free times for a three-way talk: 3–5 slots spread over different days, from
 * the counsellors who serve the request, free in their calendars (with a buffer between talks),
 * inside each counsellor's own working hours in Europe/Oslo, not on Norwegian public holidays, at
 * least the notice ahead, not held for someone else, least-loaded counsellor first. Pure: the
 * calendars' free/busy comes in, slots go out; all local-time arithmetic is luxon's, so the
 * daylight-saving changes need no special cases.
 */
import { calendarDate } from '../text/time.nb.js';
import { DateTime } from 'luxon';
import type { BusyInterval } from '../calendar/calendar.js';
import { isPublicHoliday } from '../tickets/working-time.js';

export const ZONE = 'Europe/Oslo';

export interface SlotCounsellor {
  mailbox: string;
  name: string;
  /** ISO weekdays (1 = Monday) and local "HH:mm" hours this counsellor takes talks. */
  workingHours: { days: number[]; start: string; end: string };
  /** Busy time from the calendar (busy, tentative and out-of-office block; free and workingElsewhere do not). */
  busy: BusyInterval[];
  /** Talks already booked per ISO week key ("2026-W48"), for the weekly limit and the load order. */
  bookedPerWeek?: Record<string, number>;
  maxPerWeek?: number;
}

export interface SlotRequest {
  /** Now. */
  now: Date;
  durationMinutes?: number;
  bufferMinutes?: number;
  /** Working days ahead the first slot may be (1 = from the next working day). */
  noticeWorkingDays?: number;
  /** How many working days the suggestions span. */
  periodWorkingDays?: number;
  timeOfDay?: 'morning' | 'afternoon' | 'any';
  /** How many slots (3–5). */
  count?: number;
  /** Times held for other requests: never offered. */
  held?: { mailbox: string; start: Date; end: Date }[];
  /** Slots shown before ("Andre tider"): not offered again; their days come last. */
  exclude?: { mailbox: string; start: Date }[];
  /** Minutes between candidate start times. */
  stepMinutes?: number;
}

export interface Slot {
  mailbox: string;
  name: string;
  start: Date;
  end: Date;
}

const BLOCKING = new Set(['busy', 'tentative', 'oof', 'unknown']);

function hm(s: string): { hour: number; minute: number } {
  const [h, m] = s.split(':').map(Number);
  return { hour: h, minute: m || 0 };
}

/** ISO week key of a local date, e.g. "2026-W48". */
export function weekKey(d: DateTime): string {
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}

function isWorkingDay(d: DateTime): boolean {
  return d.weekday <= 5 && !isPublicHoliday(d);
}

/** From this hour (Oslo) a request counts as made the next working day: nobody can act on it before then. */
export const END_OF_WORKING_DAY = 15;

/**
 * The first local day on which slots may start: `notice` working days after the day the request
 * counts from — today during the working day, else the next working day (a request on a Thursday
 * evening or a Saturday counts from the next working day, so one day's notice gives the bruker
 * and the counsellor a whole working day to prepare, not a Friday-morning talk). 0: that day.
 */
export function firstBookableDay(now: Date, notice: number): DateTime {
  const local = DateTime.fromJSDate(now, { zone: ZONE });
  let d = local.startOf('day');
  if (notice > 0 && (!isWorkingDay(d) || local.hour >= END_OF_WORKING_DAY)) {
    do d = d.plus({ days: 1 });
    while (!isWorkingDay(d));
  }
  let left = notice;
  while (left > 0) {
    d = d.plus({ days: 1 });
    if (isWorkingDay(d)) left--;
  }
  while (!isWorkingDay(d)) d = d.plus({ days: 1 });
  return d;
}

export function findSlots(counsellors: SlotCounsellor[], req: SlotRequest): Slot[] {
  const duration = req.durationMinutes ?? 45;
  const buffer = req.bufferMinutes ?? 15;
  const step = req.stepMinutes ?? 15;
  const count = Math.min(5, Math.max(3, req.count ?? 4));
  const notice = Math.max(0, req.noticeWorkingDays ?? 1);
  const period = Math.max(1, req.periodWorkingDays ?? 10);
  const nowMs = req.now.getTime();

  // The working days of the period, in order.
  const days: DateTime[] = [];
  for (let d = firstBookableDay(req.now, notice); days.length < period; d = d.plus({ days: 1 })) if (isWorkingDay(d)) days.push(d);

  const excluded = new Set((req.exclude ?? []).map((e) => `${e.mailbox}|${e.start.getTime()}`));
  const excludedDays = new Set((req.exclude ?? []).map((e) => DateTime.fromJSDate(e.start, { zone: ZONE }).toISODate()));
  const blocked = (c: SlotCounsellor): { s: number; e: number }[] => [
    ...c.busy.filter((b) => BLOCKING.has(b.status)).map((b) => ({ s: b.start.getTime() - buffer * 60_000, e: b.end.getTime() + buffer * 60_000 })),
    ...(req.held ?? []).filter((h) => h.mailbox === c.mailbox).map((h) => ({ s: h.start.getTime() - buffer * 60_000, e: h.end.getTime() + buffer * 60_000 })),
  ];
  const load = (c: SlotCounsellor): number => Object.values(c.bookedPerWeek ?? {}).reduce((a, b) => a + b, 0) / Math.max(1, c.maxPerWeek ?? 10);
  const ordered = [...counsellors].sort((a, b) => load(a) - load(b) || a.name.localeCompare(b.name));

  /** The earliest free start for one counsellor on one day, or undefined. */
  const firstFree = (c: SlotCounsellor, day: DateTime, blocks: { s: number; e: number }[]): Slot | undefined => {
    if (!c.workingHours.days.includes(day.weekday)) return undefined;
    const wk = weekKey(day);
    if (c.maxPerWeek !== undefined && (c.bookedPerWeek?.[wk] ?? 0) >= c.maxPerWeek) return undefined;
    const open = day.set({ ...hm(c.workingHours.start), second: 0, millisecond: 0 });
    const close = day.set({ ...hm(c.workingHours.end), second: 0, millisecond: 0 });
    for (let t = open; t.plus({ minutes: duration }) <= close; t = t.plus({ minutes: step })) {
      if (req.timeOfDay === 'morning' && t.hour >= 12) break;
      if (req.timeOfDay === 'afternoon' && t.hour < 12) continue;
      const s = t.toMillis();
      const e = s + duration * 60_000;
      if (s <= nowMs) continue;
      if (excluded.has(`${c.mailbox}|${s}`)) continue;
      if (blocks.some((b) => b.s < e && b.e > s)) continue;
      return { mailbox: c.mailbox, name: c.name, start: new Date(s), end: new Date(e) };
    }
    return undefined;
  };

  const blocksOf = new Map(ordered.map((c) => [c.mailbox, blocked(c)]));
  const offered = new Map<string, number>(); // slots per counsellor in this answer, to share the load
  const pickForDay = (day: DateTime, taken: Slot[]): Slot | undefined => {
    const candidates = [...ordered].sort((a, b) => (offered.get(a.mailbox) ?? 0) - (offered.get(b.mailbox) ?? 0) || load(a) - load(b) || a.name.localeCompare(b.name));
    for (const c of candidates) {
      const blocks = [...(blocksOf.get(c.mailbox) ?? []), ...taken.filter((t) => t.mailbox === c.mailbox).map((t) => ({ s: t.start.getTime() - buffer * 60_000, e: t.end.getTime() + buffer * 60_000 }))];
      const slot = firstFree(c, day, blocks);
      if (slot) return slot;
    }
    return undefined;
  };

  // One slot per day, new days first (days shown before come last), then a second round if needed.
  const dayOrder = [...days.filter((d) => !excludedDays.has(d.toISODate())), ...days.filter((d) => excludedDays.has(d.toISODate()))];
  const slots: Slot[] = [];
  for (let round = 0; round < 3 && slots.length < count; round++) {
    for (const day of dayOrder) {
      if (slots.length >= count) break;
      if (round === 0 && slots.some((s) => DateTime.fromJSDate(s.start, { zone: ZONE }).hasSame(day, 'day'))) continue;
      const slot = pickForDay(day, slots);
      if (slot) {
        slots.push(slot);
        offered.set(slot.mailbox, (offered.get(slot.mailbox) ?? 0) + 1);
      }
    }
  }
  return slots.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** "mandag 30. mars kl. 08.00" — a slot's time as Norwegians read it (Europe/Oslo). */
export function formatSlotTime(d: Date): string {
  // The product's one date style (src/text/time.nb.ts: «14. des. kl. 10.15»), with the weekday
  // first, which matters when choosing a time.
  const l = DateTime.fromJSDate(d, { zone: ZONE }).setLocale('nb');
  return `${l.toFormat('cccc')} ${calendarDate(l.toISODate()!).replace(/ \d{4}$/, '')} kl. ${l.toFormat('HH.mm')}`;
}
