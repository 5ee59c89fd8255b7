/**
 * Which free times to offer for a three-way talk: the counsellors who serve the region, format and
 * topic, their calendars' busy time (and the veileder's, where the app may read it), how many talks
 * each already has that week, and the times held for other requests — then the slot search
 * (slot-finder.ts). Plain inputs, no Teams or web server: the bot's booking edge and the tab can
 * both ask it.
 */
import { DateTime } from 'luxon';
import type { Calendar, Schedule } from '../calendar/calendar.js';
import type { Store } from '../store/store.js';
import { matchCounsellors, type Counsellor, type Topic } from './counsellors.js';
import { ACTIVE_BOOKING_STATES, type Booking, type TalkFormat } from './model.js';
import { findSlots, weekKey, ZONE, type Slot, type SlotCounsellor } from './slot-finder.js';

/** The booking rules the search follows (config: booking.*). */
export interface SuggestRules {
  /** Working days of notice before the first slot. */
  workingDays: number;
  /** How many working days the suggestions span. */
  periodWorkingDays: number;
  /** Minutes kept free between talks. */
  bufferMinutes: number;
}

export interface SuggestDeps {
  calendar: Calendar;
  store: Pick<Store, 'listBookings'>;
  counsellors: Counsellor[];
  rules: SuggestRules;
}

/** What the veileder asks for. */
export interface SuggestQuery {
  region?: string;
  format: TalkFormat;
  topic: Topic;
  /** An interpreter's language: counsellors who speak it come first. */
  language?: string;
  durationMinutes: number;
  timeOfDay: 'any' | 'morning' | 'afternoon';
  /** The veileder's own mailbox, only where the app may read the veileder's calendar: their busy time counts too. */
  veilederMailbox?: string;
  /** Slots shown before ("Andre tider"): not offered again. */
  exclude?: { mailbox: string; start: Date }[];
  now: Date;
  /** How many slots (3–5); default 4. */
  count?: number;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Until when to read calendars: the suggestion period with room for weekends, holidays and the notice. */
export function searchUntil(now: Date, periodWorkingDays: number): Date {
  return DateTime.fromJSDate(now, { zone: ZONE }).plus({ days: Math.ceil(periodWorkingDays * 1.6) + 7 }).toJSDate();
}

/** Confirmed talks of one counsellor per ISO week ("2026-W48"), for the weekly limit and the load order. */
export function weeklyLoad(bookings: Booking[], mailbox: string): Record<string, number> {
  const perWeek: Record<string, number> = {};
  for (const b of bookings.filter((x) => same(x.counsellor.mailbox, mailbox) && x.state === 'bekreftet')) {
    const k = weekKey(DateTime.fromISO(b.start, { zone: ZONE }));
    perWeek[k] = (perWeek[k] ?? 0) + 1;
  }
  return perWeek;
}

/** Times no one else is offered: every active talk's time, and a time proposed for it. */
export function heldTimes(bookings: Booking[]): { mailbox: string; start: Date; end: Date }[] {
  return bookings.flatMap((b) => [
    { mailbox: b.counsellor.mailbox, start: new Date(b.start), end: new Date(b.end) },
    ...(b.proposed ? [{ mailbox: b.counsellor.mailbox, start: new Date(b.proposed.start), end: new Date(b.proposed.end) }] : []),
  ]);
}

/** The veileder's busy time from the schedules read, when it could be read (else none). */
export function veilederBusy(schedules: Schedule[], veilederMailbox?: string): Schedule['busy'] {
  if (!veilederMailbox) return [];
  return schedules.find((x) => same(x.mailbox, veilederMailbox) && !x.error)?.busy ?? [];
}

/** Free slots for a request, from the counsellors who serve its region, format and topic. */
export async function suggestSlots(d: SuggestDeps, q: SuggestQuery): Promise<Slot[]> {
  const fits = matchCounsellors(d.counsellors, { region: q.region, format: q.format, topic: q.topic, language: q.language });
  const mailboxes = [...fits.map((c) => c.mailbox), ...(q.veilederMailbox ? [q.veilederMailbox] : [])];
  const schedules = fits.length ? await d.calendar.getSchedules(mailboxes, q.now, searchUntil(q.now, d.rules.periodWorkingDays)) : [];
  // The veileder's own busy time counts only where the app may read the veileder's calendar.
  const theirs = veilederBusy(schedules, q.veilederMailbox);
  const bookings = (await d.store.listBookings()).filter((b) => ACTIVE_BOOKING_STATES.includes(b.state));
  const candidates: SlotCounsellor[] = [];
  for (const c of fits) {
    const sched = schedules.find((s) => same(s.mailbox, c.mailbox));
    // A calendar that could not answer: that counsellor is left out, never offered blind.
    if (sched?.error) continue;
    candidates.push({
      mailbox: c.mailbox, name: c.name, workingHours: { days: c.workingHours.days, start: c.workingHours.start, end: c.workingHours.end },
      busy: [...(sched?.busy ?? []), ...theirs], bookedPerWeek: weeklyLoad(bookings, c.mailbox), maxPerWeek: c.maxTalksPerWeek,
    });
  }
  return findSlots(candidates, {
    now: q.now, durationMinutes: q.durationMinutes, bufferMinutes: d.rules.bufferMinutes, noticeWorkingDays: d.rules.workingDays, periodWorkingDays: d.rules.periodWorkingDays,
    timeOfDay: q.timeOfDay, count: q.count ?? 4, held: heldTimes(bookings), exclude: q.exclude ?? [],
  });
}
