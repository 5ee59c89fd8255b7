/**
 * The counsellor directory: the county career counsellors Veiviser books three-way talks with.
 * A JSON file for now (editable in the tab later): who they are, which calendar (mailbox), which
 * regions and NAV offices they serve, how they meet (Teams, phone, in person at which
 * karrieresenter), languages, topics, how many talks a week they take, and their working hours.
 * Every error names the entry and the field, so a broken file is fixed in a minute.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import type { WorkingHours } from '../calendar/calendar.js';
import { SECTION_LABELS, SECTIONS, type Section } from '../tickets/model.js';

/** The ticket sections, plus career guidance itself. */
export const TOPICS = [...SECTIONS, 'karriereveiledning'] as const;
export type Topic = (typeof TOPICS)[number];

/** A topic as people read it: «Karriereveiledning», «Fagopplæring» (never the key). */
export function topicLabel(t: string): string {
  return t === 'karriereveiledning' ? 'Karriereveiledning' : SECTION_LABELS[t as Section] ?? t;
}

export const FORMATS = ['teams', 'phone', 'inPerson'] as const;
export type TalkFormat = (typeof FORMATS)[number];

/** The demo directory shipped with Veiviser (fictional people in the fictional county Fjordvik). */
export const DEMO_COUNSELLORS_FILE = fileURLToPath(new URL('./counsellors.demo.json', import.meta.url));

const DEFAULT_ZONE = 'Europe/Oslo';

const text = z.string().trim().min(1, 'kan ikke være tom');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'skal være et klokkeslett «TT:MM», for eksempel «09:00»');
const unique = <T>(xs: T[]): boolean => new Set(xs).size === xs.length;

const WorkingHoursSchema = z
  .strictObject({
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1, 'ukedager er 1 (mandag) til 7 (søndag)').max(7, 'ukedager er 1 (mandag) til 7 (søndag)')).min(1, 'må ha minst én ukedag').refine(unique, 'har samme ukedag flere ganger'),
    start: hhmm,
    end: hhmm,
    timeZone: z.string().default(DEFAULT_ZONE).refine((zn) => IANAZone.isValidZone(zn), 'er ikke en gyldig tidssone (for eksempel «Europe/Oslo»)'),
  })
  .refine((wh) => wh.start < wh.end, { message: 'må være etter «start»', path: ['end'] });

const CounsellorSchema = z.strictObject({
  name: text.max(100, 'kan være høyst 100 tegn'),
  /** The calendar the talks are booked in. */
  mailbox: z.email('skal være en e-postadresse').transform((s) => s.toLowerCase()),
  /** Regions served (e.g. Nordfjord). */
  regions: z.array(text).min(1, 'må ha minst én region'),
  /** NAV offices served beyond whole regions (e.g. «NAV Fjordvik»); may be empty. */
  offices: z.array(text).default([]),
  formats: z
    .strictObject({
      teams: z.boolean(),
      phone: z.boolean(),
      /** The karrieresentre where this counsellor meets people in person. */
      inPerson: z.array(z.strictObject({ office: text, address: text })).default([]),
    })
    .refine((f) => f.teams || f.phone || f.inPerson.length > 0, 'må tilby minst én form: teams, phone eller inPerson'),
  languages: z.array(text.transform((s) => s.toLowerCase())).min(1, 'må ha minst ett språk'),
  topics: z
    .array(z.enum(TOPICS, { error: (iss) => `ukjent tema «${String(iss.input)}»; gyldige temaer er ${TOPICS.join(', ')}` }))
    .min(1, 'må ha minst ett tema'),
  maxTalksPerWeek: z.number().int('skal være et heltall').min(1, 'må være minst 1').max(100, 'kan være høyst 100'),
  workingHours: WorkingHoursSchema,
});

const DirectorySchema = z.strictObject({
  $comment: z.string().optional(),
  counsellors: z.array(CounsellorSchema).min(1, 'må ha minst én rådgiver'),
});

export type Counsellor = z.infer<typeof CounsellorSchema>;

export class CounsellorDirectoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CounsellorDirectoryError';
  }
}

/** zod's generic messages in Norwegian; field-specific ones above win. */
function norwegian(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? 'mangler' : `skal være ${({ string: 'tekst', number: 'et tall', boolean: 'true eller false', array: 'en liste', object: 'et objekt' } as Record<string, string>)[iss.expected] ?? iss.expected}`;
    case 'unrecognized_keys':
      return `ukjent felt: ${iss.keys.join(', ')}`;
    default:
      return undefined;
  }
}

function fieldPath(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** Validates a parsed directory; errors name the entry (number and name) and the field. */
export function parseCounsellors(data: unknown, source = 'rådgiverlista'): Counsellor[] {
  const r = DirectorySchema.safeParse(data, { error: norwegian });
  if (!r.success) {
    const raw = (data as { counsellors?: unknown[] } | null)?.counsellors;
    const lines = r.error.issues.map((iss) => {
      const [top, index, ...rest] = iss.path;
      if (top === 'counsellors' && typeof index === 'number') {
        const name = Array.isArray(raw) ? (raw[index] as { name?: unknown } | null)?.name : undefined;
        const who = `rådgiver nr. ${index + 1}${typeof name === 'string' && name.trim() ? ` («${name.trim()}»)` : ''}`;
        return rest.length ? `${who}, feltet «${fieldPath(rest)}»: ${iss.message}` : `${who}: ${iss.message}`;
      }
      return iss.path.length ? `feltet «${fieldPath(iss.path)}»: ${iss.message}` : iss.message;
    });
    throw new CounsellorDirectoryError(`Feil i ${source}:\n  ${lines.join('\n  ')}`);
  }
  const seen = new Map<string, number>();
  r.data.counsellors.forEach((c, i) => {
    const first = seen.get(c.mailbox);
    if (first !== undefined) throw new CounsellorDirectoryError(`Feil i ${source}:\n  rådgiver nr. ${i + 1} («${c.name}»), feltet «mailbox»: ${c.mailbox} er allerede brukt av rådgiver nr. ${first + 1}`);
    seen.set(c.mailbox, i);
  });
  return r.data.counsellors;
}

/** Reads and validates a directory file. */
export async function loadCounsellors(file: string): Promise<Counsellor[]> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    throw new CounsellorDirectoryError(`Kan ikke lese rådgiverlista ${file}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new CounsellorDirectoryError(`Rådgiverlista ${file} er ikke gyldig JSON: ${(err as Error).message}`);
  }
  return parseCounsellors(data, file);
}

/** A counsellor's working hours as the Calendar port states them. */
export function toWorkingHours(c: Counsellor): WorkingHours {
  return { daysOfWeek: [...c.workingHours.days].sort((a, b) => a - b), startTime: c.workingHours.start, endTime: c.workingHours.end, timeZone: c.workingHours.timeZone };
}

export function offersFormat(c: Counsellor, format: TalkFormat): boolean {
  return format === 'inPerson' ? c.formats.inPerson.length > 0 : c.formats[format];
}

const fold = (s: string): string => s.trim().toLocaleLowerCase('nb');

/**
 * The counsellors who can take a talk: serving the region (or the NAV office), offering the
 * format, covering the topic. A wanted language does not exclude anyone (an interpreter is
 * free); those who speak it come first.
 */
export function matchCounsellors(list: Counsellor[], q: { region?: string; office?: string; format?: TalkFormat; topic?: Topic; language?: string }): Counsellor[] {
  const region = q.region ? fold(q.region) : undefined;
  const office = q.office ? fold(q.office) : undefined;
  const matches = list.filter(
    (c) =>
      (region === undefined && office === undefined ? true : (region !== undefined && c.regions.some((r) => fold(r) === region)) || (office !== undefined && c.offices.some((o) => fold(o) === office))) &&
      (q.format === undefined || offersFormat(c, q.format)) &&
      (q.topic === undefined || c.topics.includes(q.topic)),
  );
  if (!q.language) return matches;
  const lang = fold(q.language);
  const speaks = (c: Counsellor): number => (c.languages.some((l) => fold(l) === lang) ? 0 : 1);
  return [...matches].sort((a, b) => speaks(a) - speaks(b));
}
