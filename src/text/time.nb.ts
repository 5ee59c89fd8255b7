/**
 * How Veiviser writes dates and times for people, everywhere (cards, the tab, statistics): one
 * Norwegian style, in Oslo time. «3. des. kl. 20.52» (with the year when it is not this year),
 * «1. des. 2026» for a calendar date, «uke 49, 2026» for a week, «november 2026» for a month.
 * Internal keys (ISO times, «2026-W49») stay in data and files meant for machines.
 */
const MONTHS = ['jan.', 'feb.', 'mars', 'apr.', 'mai', 'juni', 'juli', 'aug.', 'sep.', 'okt.', 'nov.', 'des.'];
const MONTH_NAMES = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'];

const osloFormat = new Intl.DateTimeFormat('nb-NO', {
  timeZone: 'Europe/Oslo', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

export function osloParts(d: Date): { year: number; month: number; day: number; hour: string; minute: string } {
  const p: Record<string, string> = {};
  for (const part of osloFormat.formatToParts(d)) p[part.type] = part.value;
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: p.hour, minute: p.minute };
}

/** «21. nov. kl. 10.02», with the year when it is not the year of `now`. */
export function dateTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const t = osloParts(d);
  const year = t.year === osloParts(now).year ? '' : ` ${t.year}`;
  return `${t.day}. ${MONTHS[t.month - 1]}${year} kl. ${t.hour}.${t.minute}`;
}

/** A calendar date (ISO «2026-12-01») as «1. des. 2026». */
export function calendarDate(isoDate: string): string {
  const d = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!d) return isoDate;
  return `${Number(d[3])}. ${MONTHS[Number(d[2]) - 1]} ${d[1]}`;
}

/** A statistics period key as people read it: «2026-W49» → «uke 49, 2026»; «2026-11» → «november 2026». */
export function periodLabel(key: string): string {
  const w = /^(\d{4})-W(\d{2})$/.exec(key);
  if (w) return `uke ${Number(w[2])}, ${w[1]}`;
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (m) return `${MONTH_NAMES[Number(m[2]) - 1]} ${m[1]}`;
  return key;
}
