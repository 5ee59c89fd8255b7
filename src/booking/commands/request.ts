/**
 * Command: a veileder asks for one of the suggested times. The slot is held for the counsellor
 * (never double-booked: SlotTakenError when someone was faster) and the counsellor is asked.
 */
import { DomainError } from '../../domain-error.js';
import { offersFormat } from '../counsellors.js';
import type { Booking, BookingDraft } from '../model.js';
import type { Actor, BookingCommandDeps } from './actor.js';

export interface RequestInput {
  draft: BookingDraft;
  /** The chosen slot: the counsellor's mailbox and the times. */
  slot: { mailbox: string; start: Date; end: Date };
  /** Where the veileder is told about the talk (their chat with the bot). */
  conversationKey: string;
}

/** Any veileder may ask; the counsellor must be in the directory and offer the format. */
export async function requestTalk(d: Pick<BookingCommandDeps, 'service' | 'counsellors'>, input: RequestInput, actor: Actor): Promise<Booking> {
  const { draft, slot } = input;
  const counsellor = d.counsellors.find((c) => c.mailbox.toLowerCase() === slot.mailbox.toLowerCase());
  if (!counsellor || !offersFormat(counsellor, draft.format)) throw new DomainError('not-found', 'Rådgiveren finnes ikke eller tilbyr ikke denne formen.');
  const place = draft.format === 'inPerson' ? counsellor.formats.inPerson.map((p) => `${p.office}, ${p.address}`)[0] : undefined;
  return d.service.request({
    veileder: { id: actor.id, name: actor.name, conversationKey: input.conversationKey, email: actor.email },
    counsellor: { mailbox: counsellor.mailbox, name: counsellor.name },
    start: slot.start, end: slot.end, format: draft.format, place, topic: draft.topic,
    interpreterLanguage: draft.interpreterLanguage, veilederJoins: draft.veilederJoins, brukerAlias: draft.brukerAlias, brukerEmail: draft.brukerEmail,
  });
}
