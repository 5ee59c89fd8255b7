/**
 * Statistics for the team and the leaders, computed from what Veiviser already keeps (questions,
 * tickets, bookings) and holding no personal data: counts per week or month, shares of outcomes,
 * feedback, ticket response times, bookings per counsellor, activity per NAV office. Counts under
 * five are shown as "<5" so that no one can be singled out; CSV export for every table.
 */
import { DateTime } from 'luxon';
import type { Booking } from '../booking/model.js';
import type { QuestionRecord } from '../store/store.js';
import type { Ticket } from '../tickets/model.js';

const ZONE = 'Europe/Oslo';

export type Granularity = 'week' | 'month';

/** The period an instant belongs to, e.g. "2026-W48" or "2026-11" (Europe/Oslo). */
export function periodOf(iso: string, g: Granularity): string {
  const d = DateTime.fromISO(iso, { zone: ZONE });
  return g === 'week' ? `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}` : d.toFormat('yyyy-LL');
}

/** A count as it may be shown: under five becomes "<5" (zero stays 0). */
export function suppress(n: number): string {
  return n > 0 && n < 5 ? '<5' : String(n);
}

export interface QuestionStats {
  period: string;
  asked: number;
  answered: number;
  clarified: number;
  escalated: number;
  nav: number;
  helpful: number;
  notHelpful: number;
}

export function questionStats(questions: QuestionRecord[], g: Granularity): QuestionStats[] {
  const by = new Map<string, QuestionStats>();
  for (const q of questions) {
    const p = periodOf(q.at, g);
    let s = by.get(p);
    if (!s) by.set(p, (s = { period: p, asked: 0, answered: 0, clarified: 0, escalated: 0, nav: 0, helpful: 0, notHelpful: 0 }));
    s.asked++;
    if (q.outcome === 'answer') s.answered++;
    else if (q.outcome === 'clarify') s.clarified++;
    else if (q.outcome === 'escalate') s.escalated++;
    else s.nav++;
    if (q.feedback?.helpful === true) s.helpful++;
    if (q.feedback?.helpful === false) s.notHelpful++;
  }
  return [...by.values()].sort((a, b) => a.period.localeCompare(b.period));
}

/** Questions per NAV office (which offices use the service, and which do not). */
/** Offices listed in `offices` appear even with no activity (those are the ones to reach out to). */
export function officeActivity(questions: QuestionRecord[], tickets: Ticket[], offices: string[] = []): { office: string; questions: number; tickets: number }[] {
  const rows = new Map<string, { office: string; questions: number; tickets: number }>();
  const row = (o: string | undefined) => {
    const office = o?.trim() || 'Ukjent kontor';
    let r = rows.get(office);
    if (!r) rows.set(office, (r = { office, questions: 0, tickets: 0 }));
    return r;
  };
  for (const o of offices) row(o);
  for (const q of questions) row(q.office).questions++;
  for (const t of tickets) row(t.office).tickets++;
  return [...rows.values()].sort((a, b) => b.questions + b.tickets - (a.questions + a.tickets) || a.office.localeCompare(b.office, 'nb'));
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface TicketStats {
  period: string;
  opened: number;
  /** Median hours from opening to the team's first action (taken, asked or answered). */
  medianHoursToFirstResponse?: number;
  /** Median hours from opening to the first answer. */
  medianHoursToAnswer?: number;
  /** Still new (nobody has taken them) and older than the limit. */
  overdue: number;
}

export function ticketStats(tickets: Ticket[], g: Granularity, now: Date, overdueHours = 24): TicketStats[] {
  const by = new Map<string, { opened: number; first: number[]; answer: number[]; overdue: number }>();
  for (const t of tickets) {
    const p = periodOf(t.createdAt, g);
    let s = by.get(p);
    if (!s) by.set(p, (s = { opened: 0, first: [], answer: [], overdue: 0 }));
    s.opened++;
    const created = Date.parse(t.createdAt);
    const first = t.history.find((e) => e.action === 'tatt' || e.action === 'tildelt' || e.action === 'spurt' || e.action === 'besvart');
    if (first) s.first.push((Date.parse(first.at) - created) / 3_600_000);
    const answered = t.history.find((e) => e.action === 'besvart');
    if (answered) s.answer.push((Date.parse(answered.at) - created) / 3_600_000);
    if (t.state === 'ny' && now.getTime() - created > overdueHours * 3_600_000) s.overdue++;
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([period, s]) => ({ period, opened: s.opened, medianHoursToFirstResponse: median(s.first), medianHoursToAnswer: median(s.answer), overdue: s.overdue }));
}

export interface CounsellorBookingStats {
  counsellor: string;
  requested: number;
  accepted: number;
  declined: number;
  held: number;
  cancelled: number;
}

export function bookingStats(bookings: Booking[]): CounsellorBookingStats[] {
  const by = new Map<string, CounsellorBookingStats>();
  for (const b of bookings) {
    let s = by.get(b.counsellor.name);
    if (!s) by.set(b.counsellor.name, (s = { counsellor: b.counsellor.name, requested: 0, accepted: 0, declined: 0, held: 0, cancelled: 0 }));
    s.requested++;
    if (b.history.some((e) => e.action === 'bekreftet' || e.action === 'forslag-godtatt')) s.accepted++;
    if (b.state === 'avslatt') s.declined++;
    if (b.state === 'holdt' || b.state === 'foreslatt') s.held++;
    if (b.state === 'avlyst') s.cancelled++;
  }
  return [...by.values()].sort((a, b) => a.counsellor.localeCompare(b.counsellor, 'nb'));
}

/**
 * A table as CSV for Norwegian spreadsheets: semicolon-separated, UTF-8 with a byte-order mark,
 * CRLF line ends, fields quoted when needed; a cell starting with = + - @ is prefixed with ' so
 * that a spreadsheet never runs it as a formula.
 */
export function toCsv(header: string[], rows: (string | number | undefined)[][]): string {
  const cell = (v: string | number | undefined): string => {
    let s = v === undefined ? '' : typeof v === 'number' ? String(v).replace('.', ',') : v;
    if (/^[=+\-@]/.test(s)) s = `'${s}`;
    return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(';')).join('\r\n')}\r\n`;
}
