/**
 * Booking cards: the veileder's form, the suggested slots, and one status card for a talk that
 * both sides see (the counsellor's request card is the same card with Accept/Decline/Propose).
 * Texts in src/text/booking.nb.ts; layout in adaptive-cards/booking*.json; made with `render`.
 */
import { dateTime } from '../text/time.nb.js';
import { reminderWillCome } from '../booking/booking-service.js';
import type { Booking, BookingDraft } from '../booking/model.js';
import { formatSlotTime, type Slot } from '../booking/slot-finder.js';
import { TOPICS, topicLabel } from '../booking/counsellors.js';
import { isDemoJoinUrl } from '../calendar/embedded-calendar.js';
import { refill } from '../privacy/card-inputs.js';
import { bookingTexts } from '../text/booking.nb.js';
import { render } from './render.js';

/** The counsellor (not the veileder) cancelled the talk: the veileder may look for new times. */
export function cancelledByCounsellor(b: Booking): boolean {
  if (b.state !== 'avlyst') return false;
  const e = [...b.history].reverse().find((x) => x.action === 'avlyst');
  return Boolean(e) && e!.actor.id !== b.veileder.id;
}

export type { BookingDraft } from '../booking/model.js';

const topicTitle = topicLabel;

/**
 * The booking form. A draft (or `values`, what was submitted) is put back into every field it
 * fits, so a refused or corrected form keeps what the veileder filled in.
 */
export function bookingFormCard(p: { regions: string[]; draft?: Partial<BookingDraft>; error?: string; values?: Record<string, unknown> }): Record<string, unknown> {
  const card = render('booking-form', {
    title: bookingTexts.formTitle, intro: bookingTexts.formIntro, privacy: bookingTexts.privacy, error: p.error ?? '', labels: bookingTexts.labels,
    regions: p.regions, region: p.draft?.region ?? '', formats: bookingTexts.formats, format: p.draft?.format ?? 'teams',
    topics: TOPICS.map((v) => ({ title: topicTitle(v), value: v })), topic: p.draft?.topic ?? 'karriereveiledning', duration: p.draft?.duration ?? 45,
    alias: p.draft?.brukerAlias ?? '',
  });
  return refill(card, { ...(p.draft ?? {}), ...(p.values ?? {}) });
}

export function slotsCard(p: { slots: Slot[]; draft: BookingDraft; shown: { mailbox: string; start: string }[]; notice?: string }): Record<string, unknown> {
  const shown = [...p.shown, ...p.slots.map((s) => ({ mailbox: s.mailbox, start: s.start.toISOString() }))];
  return render('booking-slots', {
    title: bookingTexts.slotsTitle,
    intro: p.slots.length ? bookingTexts.slotsIntro : bookingTexts.noSlots,
    notice: p.notice ?? '',
    draftJson: JSON.stringify(p.draft),
    moreJson: p.slots.length ? JSON.stringify(shown) : '',
    moreTitle: bookingTexts.more,
    slots: p.slots.map((s) => ({ label: `${capitalise(formatSlotTime(s.start))} – ${s.name}`, mailbox: s.mailbox, start: s.start.toISOString(), end: s.end.toISOString() })),
  });
}

/** One talk as either side sees it; `view` decides which buttons are there. */
export function bookingCard(b: Booking, p: { view: 'veileder' | 'counsellor'; notice?: string; icsUrl?: string }): Record<string, unknown> {
  const minutes = Math.round((Date.parse(b.end) - Date.parse(b.start)) / 60_000);
  const facts = [
    { title: bookingTexts.facts.status, value: bookingTexts.states[b.state] },
    { title: bookingTexts.facts.time, value: `${capitalise(formatSlotTime(new Date(b.start)))} (${minutes} min)` },
    ...(b.proposed ? [{ title: bookingTexts.facts.proposed, value: capitalise(formatSlotTime(new Date(b.proposed.start))) }] : []),
    { title: bookingTexts.facts.format, value: bookingTexts.formatNames[b.format] ?? b.format },
    ...(b.place ? [{ title: bookingTexts.facts.place, value: b.place }] : []),
    { title: bookingTexts.facts.topic, value: topicTitle(b.topic) },
    ...(b.interpreterLanguage ? [{ title: bookingTexts.facts.interpreter, value: b.interpreterLanguage }] : []),
    { title: bookingTexts.facts.bruker, value: b.brukerAlias },
    { title: bookingTexts.facts.veileder, value: `${b.veileder.name}${b.veilederJoins ? '' : bookingTexts.notJoining}` },
    { title: bookingTexts.facts.counsellor, value: b.counsellor.name },
    ...(b.declineReason ? [{ title: bookingTexts.facts.reason, value: b.declineReason }] : []),
    // The year is shown relative to the booking's last change (not today), so the card reads the same whenever it is drawn.
    ...(b.state === 'holdt' || b.state === 'foreslatt' ? [{ title: bookingTexts.heldUntil, value: dateTime(b.holdUntil, new Date(b.updatedAt)) }] : []),
  ];
  const open = b.state === 'holdt' || b.state === 'foreslatt' || b.state === 'bekreftet';
  // The embedded (demo) calendar's join link opens no meeting: no button that pretends it does.
  const joinUrl = b.state === 'bekreftet' ? b.event?.joinUrl ?? '' : '';
  const demoMeeting = isDemoJoinUrl(joinUrl);
  return render('booking', {
    title: bookingTexts.title(b.id),
    notice: p.notice ?? '',
    facts,
    footer: b.state === 'bekreftet' ? `${bookingTexts.footer} ${reminderWillCome(b) ? bookingTexts.reminderComing : b.reminderSentAt ? '' : bookingTexts.noReminder}`.trim() : '',
    labels: bookingTexts.buttons,
    joinUrl: demoMeeting ? '' : joinUrl,
    demoNote: demoMeeting ? bookingTexts.demoMeeting : '',
    icsUrl: b.state === 'bekreftet' && p.view === 'veileder' ? p.icsUrl ?? '' : '',
    id: b.id,
    version: b.version,
    canAccept: p.view === 'counsellor' && b.state === 'holdt',
    canAcceptProposal: b.state === 'foreslatt' && ((b.proposedBy ?? 'counsellor') === 'counsellor' ? p.view === 'veileder' : p.view === 'counsellor'),
    canPropose: (p.view === 'counsellor' && (b.state === 'holdt' || b.state === 'bekreftet')) || (p.view === 'veileder' && b.state === 'bekreftet'),
    canRetry: p.view === 'veileder' && (b.state === 'avslatt' || b.state === 'utlopt' || cancelledByCounsellor(b)),
    canCancel: open,
  });
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
