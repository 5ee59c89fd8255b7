/**
 * The statistics report the tab shows and exports: every table already suppressed ("<5") and
 * formatted, so that no raw count under five ever leaves the server — not to the page, not to
 * a chart, not to a CSV file. One table shape serves the screen, the charts and the CSV export.
 */
import { periodLabel } from '../text/time.nb.js';
import { DateTime } from 'luxon';
import type { Booking } from '../booking/model.js';
import type { QuestionRecord } from '../store/store.js';
import type { Ticket } from '../tickets/model.js';
import { bookingStats, officeActivity, periodOf, questionStats, suppress, ticketStats, type Granularity } from './statistics.js';

export const REPORT_RANGES = ['3m', '12m', 'alt'] as const;
export type ReportRange = (typeof REPORT_RANGES)[number];

export interface ReportTable {
  id: string;
  title: string;
  /** One sentence on what the table shows (screen readers and the CSV's reader). */
  description: string;
  columns: string[];
  /** Cells as shown: numbers as strings, small counts as "<5", missing as "–". */
  rows: string[][];
  /** A chart of some columns (values "<5" and "–" are not drawn). */
  chart?: { type: 'bar' | 'line'; labelColumn: number; valueColumns: number[]; stacked?: boolean; horizontal?: boolean };
}

export interface StatisticsReport {
  granularity: Granularity;
  range: ReportRange;
  from?: string;
  generatedAt: string;
  totals: { asked: string; answeredShare: string; tickets: string; bookings: string };
  tables: ReportTable[];
}

export interface ReportInput {
  questions: QuestionRecord[];
  tickets: Ticket[];
  bookings: Booking[];
  /** NAV offices known to use the area (rows even without activity). */
  offices: string[];
  /** Label of a topic (the site's section for a page URL), e.g. "Eksamen". */
  topicOf: (url: string | undefined) => string;
  now: Date;
}

/** Who the report is for: what it may hold beyond suppressed counts. */
export interface ReportAudience {
  /**
   * Example questions in «Ubesvarte spørsmål per tema»: only for those who edit content (team,
   * admin), never for leaders or veiledere, and only for topics with at least five unanswered
   * questions (free text next to a "<5" could single out a bruker). Default: none.
   */
  examples?: boolean;
}

/** A topic's examples are shown only from this many unanswered questions on (as counts under five are suppressed). */
export const EXAMPLES_MIN_COUNT = 5;

/** A share in percent, shown only when both counts are at least five (otherwise it could reveal a small count). */
export function share(part: number, whole: number): string {
  if (whole === 0) return '–';
  if (part !== 0 && (part < 5 || whole < 5)) return '–';
  return `${Math.round((100 * part) / whole)} %`;
}

function hours(h: number | undefined, n: number): string {
  if (h === undefined) return '–';
  if (n < 5) return '–';
  return h < 10 ? h.toFixed(1).replace('.', ',') : String(Math.round(h));
}

function startOf(range: ReportRange, now: Date): Date | undefined {
  if (range === 'alt') return undefined;
  return DateTime.fromJSDate(now, { zone: 'Europe/Oslo' }).minus({ months: range === '3m' ? 3 : 12 }).startOf('day').toJSDate();
}

/** The site's sections named by their own index pages' titles ("/eksamen/" → "Eksamen"), for topicFromUrl. */
export function topicLabels(pages: { url: string; title: string }[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const p of pages) {
    const segs = new URL(p.url).pathname.split('/').filter((s) => s && s !== 'index.html');
    if (segs.length === 1) labels.set(segs[0], p.title.split(/ [|–-] /)[0].trim());
  }
  return labels;
}

/** A topic label from a page URL: the site's section (first path segment), named by `labels` when known. */
export function topicFromUrl(url: string | undefined, labels: Map<string, string>): string {
  if (!url) return 'Uten treff';
  let seg: string;
  try {
    seg = new URL(url).pathname.split('/').filter(Boolean)[0] ?? '';
  } catch {
    return 'Uten treff';
  }
  if (!seg) return 'Forsiden';
  return labels.get(seg) ?? seg.charAt(0).toUpperCase() + seg.slice(1).replace(/-/g, ' ');
}

export function statisticsReport(input: ReportInput, granularity: Granularity, range: ReportRange, audience: ReportAudience = {}): StatisticsReport {
  const from = startOf(range, input.now);
  const inRange = (iso: string) => !from || Date.parse(iso) >= from.getTime();
  const questions = input.questions.filter((q) => inRange(q.at));
  const tickets = input.tickets.filter((t) => inRange(t.createdAt));
  const bookings = input.bookings.filter((b) => inRange(b.createdAt));
  const s = suppress;
  const tables: ReportTable[] = [];

  const qs = questionStats(questions, granularity);
  tables.push({
    id: 'sporsmal', title: 'Spørsmål', description: 'Spørsmål stilt til Veiviser per periode, og hva som skjedde med dem.',
    columns: ['Periode', 'Stilt', 'Besvart', 'Oppklaring', 'Til teamet', 'Til NAV', 'Andel besvart', 'Nyttig', 'Ikke nyttig'],
    rows: qs.map((r) => [periodLabel(r.period), s(r.asked), s(r.answered), s(r.clarified), s(r.escalated), s(r.nav), share(r.answered, r.asked), s(r.helpful), s(r.notHelpful)]),
    chart: { type: 'bar', labelColumn: 0, valueColumns: [2, 3, 4, 5], stacked: true },
  });

  const topics = new Map<string, { asked: number; answered: number; unanswered: number; examples: string[] }>();
  for (const q of questions) {
    const name = input.topicOf(q.topUrl);
    let t = topics.get(name);
    if (!t) topics.set(name, (t = { asked: 0, answered: 0, unanswered: 0, examples: [] }));
    t.asked++;
    if (q.outcome === 'answer') t.answered++;
    if (q.outcome === 'escalate' || q.outcome === 'clarify') {
      t.unanswered++;
      if (q.text && t.examples.length < 5 && !t.examples.includes(q.text)) t.examples.push(q.text);
    }
  }
  const byAsked = [...topics.entries()].sort((a, b) => b[1].asked - a[1].asked || a[0].localeCompare(b[0], 'nb'));
  tables.push({
    id: 'tema', title: 'Tema', description: 'Temaene spørsmålene handlet om (nettstedets seksjon for det beste treffet).',
    columns: ['Tema', 'Stilt', 'Besvart', 'Andel besvart'],
    rows: byAsked.slice(0, 15).map(([name, t]) => [name, s(t.asked), s(t.answered), share(t.answered, t.asked)]),
    chart: { type: 'bar', labelColumn: 0, valueColumns: [1], horizontal: true },
  });
  const gaps = [...topics.entries()].filter(([, t]) => t.unanswered > 0).sort((a, b) => b[1].unanswered - a[1].unanswered || a[0].localeCompare(b[0], 'nb'));
  const gapsDescription = 'Spørsmål Veiviser ikke fant et godt svar på, gruppert etter tema: innholdshull for nettredaktørene.';
  tables.push(audience.examples
    ? {
      id: 'ubesvart', title: 'Ubesvarte spørsmål per tema',
      description: `${gapsDescription} Eksempler vises bare for tema med minst ${EXAMPLES_MIN_COUNT} ubesvarte spørsmål, og tall og e-postadresser i dem er maskert.`,
      columns: ['Tema', 'Ubesvart', 'Eksempler'],
      rows: gaps.map(([name, t]) => [name, s(t.unanswered), (t.unanswered >= EXAMPLES_MIN_COUNT && t.examples.join(' | ')) || '–']),
    }
    : { id: 'ubesvart', title: 'Ubesvarte spørsmål per tema', description: gapsDescription, columns: ['Tema', 'Ubesvart'], rows: gaps.map(([name, t]) => [name, s(t.unanswered)]) });

  const ts = ticketStats(tickets, granularity, input.now);
  tables.push({
    id: 'saker', title: 'Saker til utdanningsteamet', description: 'Saker opprettet per periode, median tid til første svar fra teamet og til svar (timer), og saker ingen har tatt etter 24 timer.',
    columns: ['Periode', 'Opprettet', 'Median timer til første respons', 'Median timer til svar', 'Forfalt'],
    rows: ts.map((r) => [periodLabel(r.period), s(r.opened), hours(r.medianHoursToFirstResponse, r.opened), hours(r.medianHoursToAnswer, r.opened), s(r.overdue)]),
    chart: { type: 'line', labelColumn: 0, valueColumns: [1] },
  });

  const bp = new Map<string, { requested: number; accepted: number; declined: number; held: number }>();
  for (const b of bookings) {
    const p = periodOf(b.createdAt, granularity);
    let r = bp.get(p);
    if (!r) bp.set(p, (r = { requested: 0, accepted: 0, declined: 0, held: 0 }));
    r.requested++;
    if (b.history.some((e) => e.action === 'bekreftet' || e.action === 'forslag-godtatt')) r.accepted++;
    if (b.state === 'avslatt') r.declined++;
    if (b.state === 'holdt' || b.state === 'foreslatt') r.held++;
  }
  tables.push({
    id: 'bookinger', title: 'Trepartssamtaler', description: 'Forespurte samtaler per periode: godtatt, avslått og holdt (venter på svar).',
    columns: ['Periode', 'Forespurt', 'Godtatt', 'Avslått', 'Holdt'],
    rows: [...bp.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, r]) => [periodLabel(p), s(r.requested), s(r.accepted), s(r.declined), s(r.held)]),
    chart: { type: 'bar', labelColumn: 0, valueColumns: [2, 3, 4], stacked: true },
  });
  tables.push({
    id: 'radgivere', title: 'Trepartssamtaler per rådgiver', description: 'Forespurte samtaler per rådgiver i perioden.',
    columns: ['Rådgiver', 'Forespurt', 'Godtatt', 'Avslått', 'Holdt', 'Avlyst'],
    rows: bookingStats(bookings).map((r) => [r.counsellor, s(r.requested), s(r.accepted), s(r.declined), s(r.held), s(r.cancelled)]),
  });
  const offices = officeActivity(questions, tickets, input.offices);
  tables.push({
    id: 'kontorer', title: 'Aktivitet per NAV-kontor', description: 'Hvilke NAV-kontorer som bruker tjenesten, og hvilke som ikke gjør det (0).',
    columns: ['NAV-kontor', 'Spørsmål', 'Saker'],
    rows: offices.map((r) => [r.office, s(r.questions), s(r.tickets)]),
    chart: { type: 'bar', labelColumn: 0, valueColumns: [1, 2], horizontal: true },
  });
  const answered = questions.filter((q) => q.outcome === 'answer').length;
  return {
    granularity, range, from: from?.toISOString(), generatedAt: input.now.toISOString(),
    totals: { asked: s(questions.length), answeredShare: share(answered, questions.length), tickets: s(tickets.length), bookings: s(bookings.length) },
    tables,
  };
}
