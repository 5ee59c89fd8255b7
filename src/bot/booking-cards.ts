/**
 * Booking cards: the veileder's form, the suggested slots, and one status card for a talk that
 * both sides see (the counsellor's request card is the same card with Accept/Decline/Propose).
 * Norwegian texts are in this file's `t` object; layout in adaptive-cards/booking*.json.
 */
import { dateTime } from '../text/time.nb.js';
import { reminderWillCome } from '../booking/booking-service.js';
import type { Booking, BookingDraft, BookingState } from '../booking/model.js';
import { formatSlotTime, type Slot } from '../booking/slot-finder.js';
import { TOPICS, topicLabel } from '../booking/counsellors.js';
import { isDemoJoinUrl } from '../calendar/embedded-calendar.js';
import { refill } from '../privacy/card-inputs.js';
import { render } from './render.js';

export const bookingTexts = {
  formTitle: 'Bestill en trepartssamtale',
  formIntro: 'Veileder, bruker og en karriereveileder i fylket. Fyll inn det du vet, så foreslår Veiviser konkrete ledige tider.',
  privacy: 'Bruk initialer eller kallenavn for brukeren – aldri fullt navn eller fødselsnummer. E-post til brukeren bare med samtykke; den brukes bare til invitasjonen.',
  labels: {
    alias: 'Brukerens initialer eller kallenavn', aliasError: 'Skriv initialer eller et kallenavn (høyst 12 tegn).', region: 'Region', regionPlaceholder: 'Velg region', regionError: 'Velg regionen bruker bor i.', format: 'Form',
    topic: 'Tema', duration: 'Varighet (minutter)', interpreter: 'Tolk (språk), hvis det trengs', timeOfDay: 'Tid på dagen', any: 'Når som helst',
    morning: 'Formiddag', afternoon: 'Ettermiddag', veilederJoins: 'Veilederen er med (brukeren bestemmer)', email: 'Brukerens e-post (valgfritt, med samtykke)', find: 'Finn ledige tider',
  },
  formats: [{ title: 'Teams', value: 'teams' }, { title: 'Telefon', value: 'phone' }, { title: 'Oppmøte', value: 'inPerson' }],
  slotsTitle: 'Ledige tider',
  slotsIntro: 'Velg en tid. Tiden holdes for deg mens rådgiveren svarer.',
  noSlots: 'Fant ingen ledige tider de neste ukene for det du valgte. Prøv en annen region, form eller tid på dagen.',
  more: 'Andre tider',
  taken: 'Tiden ble nettopp tatt av en annen. Her er nye forslag.',
  states: { holdt: 'Venter på svar fra rådgiveren', foreslatt: 'Rådgiveren foreslår et annet tidspunkt', bekreftet: 'Bekreftet', avslatt: 'Avslått', utlopt: 'Utløpt – ingen svar', avlyst: 'Avlyst' } as Record<BookingState, string>,
  formatNames: { teams: 'Teams', phone: 'Telefon', inPerson: 'Oppmøte' } as Record<string, string>,
  buttons: {
    join: 'Bli med i Teams-møtet', ics: 'Kalenderfil (.ics) til brukeren', accept: 'Godta', decline: 'Avslå', reason: 'Grunn', reasonError: 'Skriv en kort grunn.', sendDecline: 'Send avslag',
    propose: 'Foreslå annen tid', date: 'Dato', datePlaceholder: 'Velg en dato', dateError: 'Velg en dato.', time: 'Klokkeslett', timePlaceholder: 'Velg et klokkeslett', timeError: 'Velg et klokkeslett.', sendPropose: 'Send forslag',
    acceptProposal: 'Godta nytt tidspunkt', retry: 'Finn nye tider', cancel: 'Avlys', comment: 'Kommentar (valgfritt)', sendCancel: 'Avlys samtalen',
  },
  demoMeeting: 'Teams-møtet er bare en demo: den innebygde kalenderen i Veiviser lager ikke ekte Teams-møter, så det finnes ingen møtelenke å bli med fra. Med Microsoft 365-kalenderen kommer lenken til Teams-møtet her.',
  /** What each side is told when a talk changes (the card follows). */
  announce: {
    requested: (veileder: string) => sentence(`Ny forespørsel om trepartssamtale fra ${veileder}`),
    confirmedVeileder: (id: string) => `Trepartssamtalen ${id} er bekreftet.`,
    confirmedCounsellor: (id: string) => `Trepartssamtalen ${id} er bekreftet og lagt i kalenderen din.`,
    declined: (counsellor: string, reason?: string) => `${reason?.trim() ? `${counsellor} kan ikke ta samtalen: ${sentence(reason)}` : sentence(`${counsellor} kan ikke ta samtalen`)} Finn nye tider under.`,
    proposedByVeileder: (veileder: string, id: string) => `${veileder} foreslår å flytte trepartssamtalen ${id}.`,
    proposedByCounsellor: (counsellor: string) => `${counsellor} foreslår et annet tidspunkt.`,
    expired: (counsellor: string) => `${counsellor} svarte ikke i tide, så tiden er frigitt. Finn nye tider under.`,
    cancelledByVeileder: (veileder: string, id: string) => `${veileder} har avlyst trepartssamtalen ${id}.`,
    cancelledByCounsellor: (counsellor: string, id: string) => `${counsellor} har avlyst trepartssamtalen ${id}. Finn nye tider under.`,
    moved: (counsellor: string, id: string) => `${counsellor} har flyttet trepartssamtalen ${id} i kalenderen sin.`,
    reminder: (id: string) => `Påminnelse: trepartssamtalen ${id} er om mindre enn 24 timer.`,
  },
  footer: 'Agenda: veien til målet, realkompetanse og sluttkompetanse, livsopphold (NAVs ansvar), hvem gjør hva.',
  reminderComing: 'Påminnelse kommer 24 timer før.',
  noReminder: 'Samtalen ble bekreftet mindre enn et døgn før den skal være, så det kommer ingen egen påminnelse.',
  heldUntil: 'Holdes til',
  heldNotice: (until: string) => `Tiden holdes til ${until}. Svarer ikke rådgiveren innen da, blir tiden frigitt.`,
};

/** Ends a text as a sentence: one full stop, unless it already ends with . ! ? or … (no «..»). */
export function sentence(text: string): string {
  const t = text.trim().replace(/[\s,;:–-]+$/, '');
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

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
    { title: 'Status', value: bookingTexts.states[b.state] },
    { title: 'Tid', value: `${capitalise(formatSlotTime(new Date(b.start)))} (${minutes} min)` },
    ...(b.proposed ? [{ title: 'Foreslått tid', value: capitalise(formatSlotTime(new Date(b.proposed.start))) }] : []),
    { title: 'Form', value: bookingTexts.formatNames[b.format] ?? b.format },
    ...(b.place ? [{ title: 'Sted', value: b.place }] : []),
    { title: 'Tema', value: topicTitle(b.topic) },
    ...(b.interpreterLanguage ? [{ title: 'Tolk', value: b.interpreterLanguage }] : []),
    { title: 'Bruker', value: b.brukerAlias },
    { title: 'Veileder', value: `${b.veileder.name}${b.veilederJoins ? '' : ' (deltar ikke)'}` },
    { title: 'Rådgiver', value: b.counsellor.name },
    ...(b.declineReason ? [{ title: 'Grunn', value: b.declineReason }] : []),
    // The year is shown relative to the booking's last change (not today), so the card reads the same whenever it is drawn.
    ...(b.state === 'holdt' || b.state === 'foreslatt' ? [{ title: bookingTexts.heldUntil, value: dateTime(b.holdUntil, new Date(b.updatedAt)) }] : []),
  ];
  const open = b.state === 'holdt' || b.state === 'foreslatt' || b.state === 'bekreftet';
  // The embedded (demo) calendar's join link opens no meeting: no button that pretends it does.
  const joinUrl = b.state === 'bekreftet' ? b.event?.joinUrl ?? '' : '';
  const demoMeeting = isDemoJoinUrl(joinUrl);
  return render('booking', {
    title: `Trepartssamtale ${b.id}`,
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
