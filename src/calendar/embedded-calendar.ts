/**
 * The embedded calendar: the Calendar port over the store, for local use and demos (`npm start`
 * books for real without a Microsoft 365 tenant). It behaves like the Graph adapter where the
 * booking flow can tell: free/busy leaves out cancelled events, a retried create with the same
 * transactionId returns the same event, online talks get a Teams-shaped join URL. That URL is a
 * demo link (its path says `veiviser-demo`) and opens no real meeting.
 */
import { randomUUID } from 'node:crypto';
import type { CalendarEventPatch, Store, StoredCalendarEvent } from '../store/store.js';
import { CalendarError, type Calendar, type CreatedEvent, type EventState, type NewEvent, type Schedule } from './calendar.js';

/** Join URLs of the embedded calendar's online talks start with this. */
export const DEMO_JOIN_URL_PREFIX = 'https://teams.microsoft.com/l/meetup-join/veiviser-demo/';

/** Said wherever a demo join link is shown: it is not a real Teams meeting. */
export const DEMO_LINK_NOTE = 'Demo-lenke fra den innebygde kalenderen i Veiviser: den åpner ikke et ekte Teams-møte.';

export function demoJoinUrl(id: string): string {
  return DEMO_JOIN_URL_PREFIX + encodeURIComponent(id);
}

export function isDemoJoinUrl(url: string | undefined): boolean {
  return url !== undefined && url.startsWith(DEMO_JOIN_URL_PREFIX);
}

/** What the embedded calendar needs of the store. */
export type CalendarStore = Pick<Store, 'listCalendarEvents' | 'saveCalendarEvent' | 'updateCalendarEvent' | 'getCalendarEvent' | 'getWorkingHours'>;

export interface EmbeddedCalendarOptions {
  /** The clock for createdAt/updatedAt. */
  now?: () => Date;
  /** New event ids (default: random UUIDs). */
  newId?: () => string;
}

/** A stored event that only blocks time (demo appointments, test fixtures). */
export function blockingEvent(p: {
  mailbox: string;
  start: Date;
  end: Date;
  status?: StoredCalendarEvent['status'];
  subject?: string;
  isAllDay?: boolean;
  id?: string;
  transactionId?: string;
  location?: string;
  now?: Date;
}): StoredCalendarEvent {
  const at = (p.now ?? new Date()).toISOString();
  return {
    mailbox: p.mailbox,
    id: p.id ?? randomUUID(),
    subject: p.subject ?? 'Opptatt',
    start: p.start.toISOString(),
    end: p.end.toISOString(),
    status: p.status ?? 'busy',
    ...(p.isAllDay ? { isAllDay: true } : {}),
    isCancelled: false,
    ...(p.transactionId ? { transactionId: p.transactionId } : {}),
    attendees: [],
    ...(p.location ? { location: p.location } : {}),
    bodyHtml: '',
    createdAt: at,
    updatedAt: at,
  };
}

/** The body with the (demo) join link and its note appended, as Graph appends the Teams block. */
function withJoinLink(bodyHtml: string, joinUrl: string | undefined): string {
  return joinUrl ? `${bodyHtml}\n<p><a href="${joinUrl}">Bli med i Teams-møtet</a><br><em>${DEMO_LINK_NOTE}</em></p>` : bodyHtml;
}

const validDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

export class EmbeddedCalendar implements Calendar {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly store: CalendarStore, opts: EmbeddedCalendarOptions = {}) {
    this.now = opts.now ?? (() => new Date());
    this.newId = opts.newId ?? (() => randomUUID());
  }

  async getSchedules(mailboxes: string[], from: Date, to: Date): Promise<Schedule[]> {
    if (!validDate(from) || !validDate(to) || from >= to) throw new CalendarError('Ugyldig tidsrom for ledig/opptatt: slutten må komme etter starten.', 400);
    return Promise.all(
      mailboxes.map(async (mailbox): Promise<Schedule> => {
        const [events, workingHours] = await Promise.all([this.store.listCalendarEvents(mailbox, from, to), this.store.getWorkingHours(mailbox)]);
        const busy = events.filter((e) => !e.isCancelled).map((e) => ({ start: new Date(e.start), end: new Date(e.end), status: e.status }));
        return { mailbox, busy, ...(workingHours ? { workingHours } : {}) };
      }),
    );
  }

  async createEvent(e: NewEvent): Promise<CreatedEvent> {
    if (!e.mailbox?.trim()) throw new CalendarError('Avtalen mangler postkasse.', 400);
    if (!e.transactionId?.trim()) throw new CalendarError('Avtalen mangler transactionId.', 400);
    if (!validDate(e.start) || !validDate(e.end) || e.end <= e.start) throw new CalendarError('Avtalen må slutte etter at den starter.', 400);
    const id = this.newId();
    const at = this.now().toISOString();
    const joinUrl = e.online ? demoJoinUrl(id) : undefined;
    const saved = await this.store.saveCalendarEvent({
      mailbox: e.mailbox,
      id,
      subject: e.subject,
      start: e.start.toISOString(),
      end: e.end.toISOString(),
      status: 'busy',
      isCancelled: false,
      transactionId: e.transactionId,
      attendees: structuredClone(e.attendees),
      ...(e.location ? { location: e.location } : e.online ? { location: 'Microsoft Teams-møte' } : {}),
      ...(joinUrl ? { joinUrl } : {}),
      bodyHtml: withJoinLink(e.bodyHtml, joinUrl),
      createdAt: at,
      updatedAt: at,
    });
    return { id: saved.id, ...(saved.joinUrl ? { joinUrl: saved.joinUrl } : {}), iCalUId: `${saved.id}@veiviser-demo.invalid` };
  }

  async updateEvent(mailbox: string, id: string, patch: { start?: Date; end?: Date; subject?: string; bodyHtml?: string; location?: string }): Promise<void> {
    const current = await this.existing(mailbox, id);
    if (current.isCancelled) throw new CalendarError(`Avtalen ${id} er avlyst og kan ikke endres.`, 404);
    if ((patch.start !== undefined && !validDate(patch.start)) || (patch.end !== undefined && !validDate(patch.end))) throw new CalendarError('Ugyldig tidspunkt.', 400);
    const start = patch.start ?? new Date(current.start);
    const end = patch.end ?? new Date(current.end);
    if (end <= start) throw new CalendarError('Avtalen må slutte etter at den starter.', 400);
    const change: CalendarEventPatch = { start: start.toISOString(), end: end.toISOString(), updatedAt: this.now().toISOString() };
    if (patch.subject !== undefined) change.subject = patch.subject;
    if (patch.bodyHtml !== undefined) change.bodyHtml = withJoinLink(patch.bodyHtml, current.joinUrl);
    if (patch.location !== undefined) change.location = patch.location;
    await this.store.updateCalendarEvent(mailbox, id, change);
  }

  async cancelEvent(mailbox: string, id: string, comment: string): Promise<void> {
    const current = await this.existing(mailbox, id);
    if (current.isCancelled) return; // a retried cancel
    await this.store.updateCalendarEvent(mailbox, id, { isCancelled: true, cancelComment: comment, updatedAt: this.now().toISOString() });
  }

  async getEvent(mailbox: string, id: string): Promise<EventState | undefined> {
    const e = await this.store.getCalendarEvent(mailbox, id);
    return e ? { id: e.id, start: new Date(e.start), end: new Date(e.end), isCancelled: e.isCancelled } : undefined;
  }

  private async existing(mailbox: string, id: string): Promise<StoredCalendarEvent> {
    const e = await this.store.getCalendarEvent(mailbox, id);
    if (!e) throw new CalendarError(`Fant ikke avtalen ${id} i kalenderen til ${mailbox}.`, 404);
    return e;
  }
}
