/**
 * Every state change of a three-way talk, one method per operation: a veileder requests a slot
 * (held for the counsellor, never double-booked), the counsellor accepts (a calendar event with a
 * Teams meeting or a place, created idempotently), declines with a reason or proposes another
 * time, either side cancels, holds expire, reminders go out 24 hours before. Each change and the
 * messages announcing it are one durable write; the calendar is called before the write that
 * records its result, with a transactionId so a retry never makes a second event.
 */
import { randomUUID } from 'node:crypto';
import type { Calendar } from '../calendar/calendar.js';
import type { OutboxMessage } from '../outbox/types.js';
import { containsIdentityNumber } from '../privacy/identity-number.js';
import type { Store } from '../store/store.js';
import { DomainError } from '../domain-error.js';
import { bookingTexts } from '../text/booking.nb.js';
import { formatBookingId, isCounsellorOf, isVeilederOf, type Booking, type BookingActor, type BookingEvent, type BookingState } from './model.js';

export interface BookingServiceDeps {
  store: Store;
  calendar: Calendar;
  clock?: () => Date;
  /** How long a requested slot is held for the counsellor's answer (hours). */
  holdHours?: number;
  /** Minutes kept free between talks. */
  bufferMinutes?: number;
  /** Outbox messages that tell people about a change (cards), built by the Teams edge. */
  announce?: (b: Booking, e: BookingEvent) => OutboxMessage[];
  /** Subject and HTML body of the calendar event (no personal data in the subject). */
  eventText?: (b: Booking) => { subject: string; bodyHtml: string };
}

/** What a veileder asks for: the booking's own fields, with the slot's times as instants. */
export type RequestProps = Pick<Booking, 'veileder' | 'counsellor' | 'format' | 'place' | 'topic' | 'interpreterLanguage' | 'veilederJoins' | 'brukerAlias' | 'brukerEmail'> & {
  start: Date;
  end: Date;
};

/**
 * Someone acting on a talk: `mailbox` is the counsellor mailbox the user is linked to (the edge
 * establishes it from the signed-in user; none: not the counsellor, refused where only they may act).
 */
export interface CounsellorActor extends BookingActor { mailbox?: string }

/** A reminder goes this many hours before a talk — only when the talk was confirmed earlier than that. */
export const REMINDER_HOURS = 24;

/**
 * When a hold for a talk at `start` ends: after `holdHours`, but never later than a day before the
 * talk (so the time is settled before the reminder would go and the bruker has notice); for a talk
 * less than a day and a bit away, two hours before it. Never earlier than an hour from now.
 */
export function holdEnd(now: Date, start: Date, holdHours: number): Date {
  const hour = 3_600_000;
  const byHold = now.getTime() + holdHours * hour;
  const dayBefore = start.getTime() - REMINDER_HOURS * hour;
  const latest = dayBefore >= now.getTime() + 2 * hour ? dayBefore : start.getTime() - 2 * hour;
  return new Date(Math.max(now.getTime() + hour, Math.min(byHold, latest)));
}

/** When the talk was confirmed (the last confirmation in its history). */
export function confirmedAt(b: Booking): Date | undefined {
  const e = [...b.history].reverse().find((x) => x.action === 'bekreftet' || x.action === 'forslag-godtatt');
  return e ? new Date(e.at) : undefined;
}

/** A reminder will come for this confirmed talk: it was confirmed more than REMINDER_HOURS before it starts. */
export function reminderWillCome(b: Booking): boolean {
  const at = confirmedAt(b);
  return b.state === 'bekreftet' && !b.reminderSentAt && Boolean(at) && Date.parse(b.start) - at!.getTime() > REMINDER_HOURS * 3_600_000;
}

const DEFAULT_TEXT = (b: Booking) => ({
  subject: bookingTexts.invitation.subject,
  bodyHtml: bookingTexts.invitation.bodyHtml(b.format, escapeHtml(b.place ?? '')),
});

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

const osloYear = (d: Date): number => Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Europe/Oslo' }).format(d));

export class SlotTakenError extends DomainError {
  constructor() {
    super('stale', 'Tiden ble nettopp tatt av en annen. Her er nye forslag.');
    this.name = 'SlotTakenError';
  }
}

export class BookingService {
  private readonly clock: () => Date;
  constructor(private readonly d: BookingServiceDeps) {
    this.clock = d.clock ?? (() => new Date());
  }

  private get bufferMs(): number {
    return (this.d.bufferMinutes ?? 15) * 60_000;
  }

  /** bookingRequester: holds the slot and asks the counsellor. Throws SlotTakenError if someone was faster. */
  async request(p: RequestProps): Promise<Booking> {
    const alias = p.brukerAlias.trim();
    if (!alias || alias.length > 12 || /\s\S+\s/.test(alias) || containsIdentityNumber(alias)) {
      throw new DomainError('validation', 'Bruk initialer eller et kallenavn på høyst 12 tegn for brukeren – aldri fullt navn eller fødselsnummer.');
    }
    if (p.brukerEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(p.brukerEmail)) throw new DomainError('validation', 'E-postadressen til brukeren ser ikke riktig ut.');
    if (!(p.end > p.start)) throw new DomainError('validation', 'Ugyldig tidspunkt.');
    const now = this.clock();
    if (p.start <= now) throw new DomainError('validation', 'Tidspunktet har passert.');
    const at = now.toISOString();
    const year = osloYear(now);
    const event: BookingEvent = { at, actor: { id: p.veileder.id, name: p.veileder.name }, action: 'forespurt' };
    const r = await this.d.store.createBooking(
      year,
      (n) => ({
        id: formatBookingId(year, n), year, number: n, version: 1, state: 'holdt',
        counsellor: p.counsellor, start: p.start.toISOString(), end: p.end.toISOString(), format: p.format, place: p.place,
        topic: p.topic.slice(0, 200), interpreterLanguage: p.interpreterLanguage, veilederJoins: p.veilederJoins,
        brukerAlias: alias, brukerEmail: p.brukerEmail, veileder: p.veileder,
        holdUntil: holdEnd(now, p.start, this.d.holdHours ?? 24).toISOString(),
        transactionId: randomUUID(), history: [event], createdAt: at, updatedAt: at,
      }),
      this.bufferMs,
      (b) => this.d.announce?.(b, event) ?? [],
    );
    if (!r.ok) throw new SlotTakenError();
    return r.booking;
  }

  /** bookingConfirmer: the counsellor accepts; the calendar event is created (once) and both sides are told. */
  async accept(p: { bookingId: string; actor: CounsellorActor; expectedVersion: number }): Promise<Booking> {
    const b = await this.load(p.bookingId);
    this.mustBeCounsellor(b, p.actor);
    if (b.state !== 'holdt') throw new DomainError('transition', `Forespørselen er ${b.state} og kan ikke bekreftes.`);
    if (b.version !== p.expectedVersion) throw new DomainError('stale', 'Forespørselen er endret siden du så den.');
    return this.confirm(b, p.actor, 'bekreftet');
  }

  /** The other side accepts a proposed time (a new request's, or a confirmed talk's move). */
  async acceptProposal(p: { bookingId: string; actor: CounsellorActor; expectedVersion: number }): Promise<Booking> {
    const b = await this.load(p.bookingId);
    // Someone who is neither side is refused before the state says anything about the talk.
    if (!isVeilederOf(b, p.actor) && !isCounsellorOf(b, p.actor)) throw new DomainError('forbidden', 'Bare veilederen eller rådgiveren kan godta et nytt tidspunkt.');
    if (b.state !== 'foreslatt' || !b.proposed) throw new DomainError('transition', 'Det er ikke foreslått noe nytt tidspunkt.');
    const byCounsellor = (b.proposedBy ?? 'counsellor') === 'counsellor';
    const allowed = byCounsellor ? isVeilederOf(b, p.actor) : isCounsellorOf(b, p.actor);
    if (!allowed) throw new DomainError('forbidden', byCounsellor ? 'Bare veilederen som ba om samtalen kan godta et nytt tidspunkt.' : 'Bare rådgiveren kan godta tidspunktet veilederen foreslår.');
    if (b.version !== p.expectedVersion) throw new DomainError('stale', 'Forespørselen er endret siden du så den.');
    const moved: Booking = { ...b, start: b.proposed.start, end: b.proposed.end, proposed: undefined, proposedBy: undefined };
    return this.confirm(moved, p.actor, 'forslag-godtatt');
  }

  private async confirm(b: Booking, actor: BookingActor, action: 'bekreftet' | 'forslag-godtatt'): Promise<Booking> {
    const text = (this.d.eventText ?? DEFAULT_TEXT)(b);
    const attendees = [
      ...(b.veileder.email && b.veilederJoins ? [{ email: b.veileder.email, name: b.veileder.name, type: 'required' as const }] : []),
      ...(b.brukerEmail ? [{ email: b.brukerEmail, type: 'required' as const }] : []),
    ];
    if (b.event) {
      // A confirmed talk moved to a new time: the same calendar event, updated.
      await this.d.calendar.updateEvent(b.counsellor.mailbox, b.event.id, { start: new Date(b.start), end: new Date(b.end) });
      return this.change(b, actor, action, (x) => ({ ...x, state: 'bekreftet', start: b.start, end: b.end, proposed: undefined, proposedBy: undefined, reminderSentAt: undefined }));
    }
    // Idempotent: a retry after a crash or a 429 returns the same event (same transactionId).
    const created = await this.d.calendar.createEvent({
      mailbox: b.counsellor.mailbox, subject: text.subject, bodyHtml: text.bodyHtml, start: new Date(b.start), end: new Date(b.end),
      attendees, online: b.format === 'teams', location: b.format === 'inPerson' ? b.place : undefined, transactionId: `${b.transactionId}${action === 'forslag-godtatt' ? ':p' : ''}`,
    });
    return this.change(b, actor, action, (x) => ({ ...x, state: 'bekreftet', start: b.start, end: b.end, proposed: undefined, event: { id: created.id, joinUrl: created.joinUrl, webLink: created.webLink } }));
  }

  /** The counsellor declines, with a reason; the slot is free again. */
  async decline(p: { bookingId: string; actor: CounsellorActor; reason: string; expectedVersion: number }): Promise<Booking> {
    const b = await this.load(p.bookingId);
    this.mustBeCounsellor(b, p.actor);
    if (b.state !== 'holdt') throw new DomainError('transition', `Forespørselen er ${b.state} og kan ikke avslås.`);
    const reason = p.reason.trim().slice(0, 500);
    if (!reason || containsIdentityNumber(reason)) throw new DomainError('validation', 'Skriv en kort grunn (uten personopplysninger).');
    return this.change(b, p.actor, 'avslatt', (x) => ({ ...x, state: 'avslatt', declineReason: reason }), reason, p.expectedVersion);
  }

  /**
   * Another time: the counsellor may propose one for a new request or a confirmed talk, the
   * veileder for a confirmed talk (a move). The proposed time is held; the other side accepts it.
   */
  async propose(p: { bookingId: string; actor: CounsellorActor; start: Date; end: Date; expectedVersion: number }): Promise<Booking> {
    const b = await this.load(p.bookingId);
    const counsellor = isCounsellorOf(b, p.actor);
    const veileder = isVeilederOf(b, p.actor);
    if (!counsellor && !veileder) throw new DomainError('forbidden', 'Bare veilederen eller rådgiveren kan foreslå et nytt tidspunkt.');
    const allowedFrom = counsellor ? ['holdt', 'bekreftet'] : ['bekreftet'];
    if (!allowedFrom.includes(b.state)) throw new DomainError('transition', `Samtalen er ${b.state}.`);
    if (!(p.end > p.start) || p.start <= this.clock()) throw new DomainError('validation', 'Ugyldig tidspunkt.');
    const at = this.clock();
    return this.change(b, p.actor, 'foreslatt', (x) => ({
      ...x, state: 'foreslatt', proposed: { start: p.start.toISOString(), end: p.end.toISOString() }, proposedBy: counsellor ? 'counsellor' : 'veileder',
      holdUntil: holdEnd(at, p.start, this.d.holdHours ?? 24).toISOString(),
    }), undefined, p.expectedVersion);
  }

  /** Either side cancels; a calendar event is cancelled with a comment (attendees are told). */
  async cancel(p: { bookingId: string; actor: CounsellorActor; comment: string; expectedVersion: number }): Promise<Booking> {
    const b = await this.load(p.bookingId);
    if (!isVeilederOf(b, p.actor) && !isCounsellorOf(b, p.actor)) throw new DomainError('forbidden', 'Bare veilederen eller rådgiveren kan avlyse samtalen.');
    if (!['holdt', 'foreslatt', 'bekreftet'].includes(b.state)) throw new DomainError('transition', `Samtalen er ${b.state}.`);
    const comment = p.comment.trim().slice(0, 500) || 'Samtalen er avlyst.';
    if (containsIdentityNumber(comment)) throw new DomainError('validation', 'Kommentaren kan ikke inneholde fødselsnummer.');
    if (b.event) await this.d.calendar.cancelEvent(b.counsellor.mailbox, b.event.id, comment);
    return this.change(b, p.actor, 'avlyst', (x) => ({ ...x, state: 'avlyst' }), comment, p.expectedVersion);
  }

  /** Releases holds nobody answered in time; the veileder is told. Returns the ids released. */
  async expireHolds(): Promise<string[]> {
    const now = this.clock();
    const out: string[] = [];
    for (const b of await this.d.store.listBookings()) {
      if ((b.state !== 'holdt' && b.state !== 'foreslatt') || Date.parse(b.holdUntil) > now.getTime()) continue;
      try {
        // A confirmed talk whose move nobody answered keeps its time; a request nobody answered is released.
        if (b.event) await this.change(b, { id: 'veiviser', name: 'Veiviser' }, 'utlopt', (x) => ({ ...x, state: 'bekreftet', proposed: undefined, proposedBy: undefined }), 'Forslaget om nytt tidspunkt gikk ut; samtalen står ved det opprinnelige tidspunktet.', b.version);
        else await this.change(b, { id: 'veiviser', name: 'Veiviser' }, 'utlopt', (x) => ({ ...x, state: 'utlopt' }), undefined, b.version);
        out.push(b.id);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
      }
    }
    return out;
  }

  /**
   * Notices what counsellors did in Outlook: a confirmed talk whose event was moved gets the new
   * time, one whose event was cancelled or deleted is cancelled here; the veileder is told.
   * Returns the ids changed. (Periodic; Graph change notifications can call it sooner.)
   */
  async syncWithCalendar(): Promise<string[]> {
    const now = this.clock().getTime();
    const out: string[] = [];
    for (const b of await this.d.store.listBookings()) {
      if (b.state !== 'bekreftet' || !b.event || Date.parse(b.end) < now) continue;
      const ev = await this.d.calendar.getEvent(b.counsellor.mailbox, b.event.id);
      const system = { id: 'veiviser', name: 'Kalenderen' };
      try {
        if (!ev || ev.isCancelled) {
          await this.change(b, system, 'avlyst', (x) => ({ ...x, state: 'avlyst' }), 'Avlyst eller slettet i rådgiverens kalender.', b.version);
          out.push(b.id);
        } else if (ev.start.toISOString() !== b.start || ev.end.toISOString() !== b.end) {
          await this.change(b, system, 'flyttet', (x) => ({ ...x, start: ev.start.toISOString(), end: ev.end.toISOString(), reminderSentAt: undefined }), 'Flyttet i rådgiverens kalender.', b.version);
          out.push(b.id);
        }
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
      }
    }
    return out;
  }

  /** Marks confirmed talks starting within 24 hours as reminded (the announcer sends the card). */
  async sendReminders(hoursBefore = REMINDER_HOURS): Promise<string[]> {
    const now = this.clock().getTime();
    const out: string[] = [];
    for (const b of await this.d.store.listBookings()) {
      const start = Date.parse(b.start);
      if (b.state !== 'bekreftet' || b.reminderSentAt || start <= now || start - now > hoursBefore * 3_600_000) continue;
      // Confirmed less than a day ahead: everyone already knows it is soon; the card said no reminder would come.
      if (!reminderWillCome(b)) continue;
      try {
        await this.change(b, { id: 'veiviser', name: 'Veiviser' }, 'paminnelse', (x) => ({ ...x, reminderSentAt: new Date(now).toISOString() }), undefined, b.version);
        out.push(b.id);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
      }
    }
    return out;
  }

  private async load(id: string): Promise<Booking> {
    const b = await this.d.store.getBooking(id);
    if (!b) throw new DomainError('not-found', bookingTexts.notFound);
    return b;
  }

  private mustBeCounsellor(b: Booking, actor: CounsellorActor): void {
    if (!isCounsellorOf(b, actor)) throw new DomainError('forbidden', 'Bare rådgiveren forespørselen gjelder kan svare på den.');
  }

  private async change(b: Booking, actor: BookingActor, action: BookingEvent['action'], apply: (x: Booking) => Booking, note?: string, expectedVersion = b.version): Promise<Booking> {
    const at = this.clock().toISOString();
    const event: BookingEvent = { at, actor: { id: actor.id, name: actor.name }, action, note };
    const r = await this.d.store.updateBooking(b.id, expectedVersion, (x) => ({ ...apply(x), updatedAt: at, history: [...x.history, event] }), this.bufferMs, (x) => this.d.announce?.(x, event) ?? []);
    if (r.ok) return r.booking;
    if (r.reason === 'taken') throw new SlotTakenError();
    if (r.reason === 'stale') throw new DomainError('stale', 'Forespørselen er endret siden du så den.');
    throw new DomainError('not-found', bookingTexts.notFound);
  }

  /** The state a booking is in, for tests and cards. */
  static isOpen(state: BookingState): boolean {
    return state === 'holdt' || state === 'foreslatt';
  }
}
