/**
 * The Calendar port: free/busy, working hours and events of the county counsellors' mailboxes.
 * Two adapters: Microsoft Graph (a real tenant) and the embedded calendar in the store (local use
 * and demos). The same contract tests run against both (test/calendar/).
 */

export type BusyStatus = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';

export interface BusyInterval {
  start: Date;
  end: Date;
  status: BusyStatus;
}

/** A mailbox's working hours as the calendar states them. */
export interface WorkingHours {
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  daysOfWeek: number[];
  /** Local time "HH:mm" (or "HH:mm:ss"). */
  startTime: string;
  endTime: string;
  /** IANA zone, e.g. Europe/Oslo. */
  timeZone: string;
}

export interface Schedule {
  mailbox: string;
  busy: BusyInterval[];
  workingHours?: WorkingHours;
  /** Set when the calendar could not answer for this mailbox (it is then left out of suggestions). */
  error?: string;
}

export interface Attendee {
  email: string;
  name?: string;
  type: 'required' | 'optional';
}

export interface NewEvent {
  /** The organiser's mailbox (the counsellor). */
  mailbox: string;
  subject: string;
  /** HTML body (agenda, questions to think about); never personal data beyond what is needed. */
  bodyHtml: string;
  start: Date;
  end: Date;
  attendees: Attendee[];
  /** A Teams meeting (online) or an in-person/phone talk. */
  online: boolean;
  location?: string;
  /** Idempotency key: a retried create with the same key never makes a second event. */
  transactionId: string;
}

export interface CreatedEvent {
  id: string;
  /** The Teams meeting's join URL, for online talks. */
  joinUrl?: string;
  webLink?: string;
  iCalUId?: string;
}

export interface EventState {
  id: string;
  start: Date;
  end: Date;
  isCancelled: boolean;
}

export interface Calendar {
  /** Free/busy and working hours for each mailbox between two instants (adapters split long windows and large lists). */
  getSchedules(mailboxes: string[], from: Date, to: Date): Promise<Schedule[]>;
  createEvent(e: NewEvent): Promise<CreatedEvent>;
  updateEvent(mailbox: string, id: string, patch: { start?: Date; end?: Date; subject?: string; bodyHtml?: string; location?: string }): Promise<void>;
  /** Cancels the event and tells its attendees, with a comment. */
  cancelEvent(mailbox: string, id: string, comment: string): Promise<void>;
  /** The event as it is now (moved, cancelled or deleted in Outlook), or undefined if it is gone. */
  getEvent(mailbox: string, id: string): Promise<EventState | undefined>;
}

/** A calendar call that failed; `retryable` for throttling and server errors. */
export class CalendarError extends Error {
  constructor(message: string, readonly status?: number, readonly retryable = false) {
    super(message);
    this.name = 'CalendarError';
  }
}
