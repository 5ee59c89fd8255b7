/**
 * Command: free times for a talk — from a filled-in form (and, for «Andre tider», the times shown
 * before), or again for a talk that fell through (declined, expired, cancelled by the counsellor),
 * which only its veileder may ask for.
 */
import type { Topic } from '../counsellors.js';
import type { Booking, BookingDraft } from '../model.js';
import type { Slot } from '../slot-finder.js';
import { suggestSlots } from '../suggest.js';
import { DomainError } from '../../domain-error.js';
import { isVeilederOf } from '../model.js';
import { NOT_FOUND, type Actor, type BookingCommandDeps } from './actor.js';

export type SuggestInput =
  | {
    draft: BookingDraft;
    /** Slots shown before: not offered again. */
    shown?: { mailbox: string; start: string }[];
    /** The veileder's mailbox where the app may read their calendar (their busy time counts). */
    veilederMailbox?: string;
  }
  | { retryOf: string };

export interface Suggestions {
  /** The draft the times are for (for a retry: the talk's own). */
  draft: BookingDraft;
  slots: Slot[];
}

/** The form a talk was booked with, for new times (the region is not kept on the talk). */
function draftOf(b: Booking): BookingDraft {
  return {
    brukerAlias: b.brukerAlias, format: b.format, topic: b.topic, duration: Math.round((Date.parse(b.end) - Date.parse(b.start)) / 60_000),
    interpreterLanguage: b.interpreterLanguage, timeOfDay: 'any', veilederJoins: b.veilederJoins, brukerEmail: b.brukerEmail,
  };
}

export async function suggestTimes(d: Pick<BookingCommandDeps, 'store' | 'counsellors' | 'calendar' | 'rules' | 'clock'>, input: SuggestInput, actor: Actor): Promise<Suggestions> {
  let draft: BookingDraft;
  let shown: { mailbox: string; start: string }[] = [];
  let veilederMailbox: string | undefined;
  if ('retryOf' in input) {
    const b = await d.store.getBooking(input.retryOf);
    // Someone else's talk is not found either: its existence is not told.
    if (!b || !isVeilederOf(b, actor)) throw new DomainError('not-found', NOT_FOUND);
    draft = draftOf(b);
  } else {
    ({ draft, shown = [], veilederMailbox } = input);
  }
  const slots = await suggestSlots({ calendar: d.calendar, store: d.store, counsellors: d.counsellors, rules: d.rules }, {
    region: draft.region, format: draft.format, topic: draft.topic as Topic, language: draft.interpreterLanguage, durationMinutes: draft.duration,
    timeOfDay: draft.timeOfDay, veilederMailbox, exclude: shown.map((s) => ({ mailbox: s.mailbox, start: new Date(s.start) })), now: d.clock(),
  });
  return { draft, slots };
}
