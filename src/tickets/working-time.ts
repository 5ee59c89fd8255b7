/**
 * Working time in Norway: weekdays within office hours in Europe/Oslo, without Norwegian public
 * holidays (date-holidays' "NO" calendar: Easter, Ascension, Whit Monday … move every year).
 * Used for reminders ("nobody has taken this ticket for 4 working hours").
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

const ZONE = 'Europe/Oslo';
const holidays = new Holidays('NO');
const holidayCache = new Map<number, Set<string>>();

/** True on a Norwegian public holiday (the date as seen in Oslo). */
export function isPublicHoliday(day: DateTime): boolean {
  const y = day.year;
  let set = holidayCache.get(y);
  if (!set) {
    set = new Set(holidays.getHolidays(y).filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    holidayCache.set(y, set);
  }
  return set.has(day.toISODate() ?? '');
}

export interface OfficeHours {
  /** Hour the working day starts (local time). */
  startHour: number;
  /** Hour it ends. */
  endHour: number;
}
export const DEFAULT_HOURS: OfficeHours = { startHour: 8, endHour: 16 };

/** Working minutes between two instants (0 if `to` is before `from`). */
export function workingMinutesBetween(from: Date, to: Date, hours: OfficeHours = DEFAULT_HOURS): number {
  if (to <= from) return 0;
  let day = DateTime.fromJSDate(from, { zone: ZONE }).startOf('day');
  const end = DateTime.fromJSDate(to, { zone: ZONE });
  let minutes = 0;
  for (let guard = 0; day <= end && guard < 3660; guard++, day = day.plus({ days: 1 })) {
    if (day.weekday > 5 || isPublicHoliday(day)) continue;
    const open = day.set({ hour: hours.startHour });
    const close = day.set({ hour: hours.endHour });
    const a = DateTime.max(open, DateTime.fromJSDate(from, { zone: ZONE }));
    const b = DateTime.min(close, end);
    if (b > a) minutes += b.diff(a, 'minutes').minutes;
  }
  return Math.round(minutes);
}
