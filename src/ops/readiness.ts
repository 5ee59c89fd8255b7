/**
 * What /readyz checks besides the index: the store answers, and the calendar answers a one-hour
 * free/busy question for the first counsellor (a success is trusted for 30 s).
 */
import type { Calendar } from '../calendar/calendar.js';
import type { ReadinessCheck } from '../server.js';
import type { Store } from '../store/store.js';

export function readinessChecks(store: Pick<Store, 'ping'>, calendar: Pick<Calendar, 'getSchedules'>, counsellors: readonly { mailbox: string }[]): ReadinessCheck[] {
  let calendarOkAt = 0;
  return [
    { name: 'store', check: () => store.ping() },
    {
      name: 'calendar',
      check: async () => {
        if (Date.now() - calendarOkAt < 30_000 || counsellors.length === 0) return;
        const now = new Date();
        await calendar.getSchedules([counsellors[0].mailbox], now, new Date(now.getTime() + 3_600_000));
        calendarOkAt = Date.now();
      },
    },
  ];
}
