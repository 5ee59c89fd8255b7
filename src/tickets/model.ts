/**
 * Tickets: hard questions the FAQ could not answer, sent with the bruker's consent to the
 * county's education team. Every ticket has a state, an owner and a clock; every change is an
 * audit event written in the same durable write as the change.
 */

export const SECTIONS = ['fagopplaering', 'inntak', 'realkompetansevurdering', 'eksamen', 'dokumentasjon', 'annet'] as const;
export type Section = (typeof SECTIONS)[number];

/** Ny → Tatt (owner) → Venter på veileder → Besvart → Lukket; Trukket; reopen goes back to Tatt. */
export const STATES = ['ny', 'tatt', 'venter', 'besvart', 'lukket', 'trukket'] as const;
export type TicketState = (typeof STATES)[number];
/** States in which a ticket is still being worked on (neither closed nor withdrawn). */
export const OPEN_STATES: readonly TicketState[] = ['ny', 'tatt', 'venter', 'besvart'];

export const AGE_BANDS = ['under-19', '19-24', '25+'] as const;
export const GRUNNSKOLE = ['ja', 'nei', 'utlandet'] as const;
export const UPPER_SECONDARY = ['ingen', 'delvis', 'fullfort-omvalg', 'utlandet-ikke-godkjent'] as const;
export const NORWEGIAN_LEVELS = ['ukjent', 'A1', 'A2', 'B1', 'B2', 'C1'] as const;

/** The mapping form's fields, captured from the conversation; no personal data. */
export interface Situation {
  ageBand?: (typeof AGE_BANDS)[number];
  grunnskole?: (typeof GRUNNSKOLE)[number];
  upperSecondary?: (typeof UPPER_SECONDARY)[number];
  norwegianLevel?: (typeof NORWEGIAN_LEVELS)[number];
  /** NAV measure in question, short free text. */
  navMeasure?: string;
  /** Any deadline (ISO date). */
  deadline?: string;
}

/** Someone acting: a Teams user (id = AAD object id or Teams id) with a display name. */
export interface Actor {
  id: string;
  name: string;
}

export type TicketAction =
  | 'opprettet' | 'tatt' | 'tildelt' | 'besvart' | 'spurt' | 'info-lagt-til' | 'lukket' | 'trukket'
  | 'gjenapnet' | 'lost' | 'lagret-som-faq' | 'leveringsfeil' | 'purret' | 'sendt-til-kanal';

export interface TicketEvent {
  at: string;
  actor: Actor;
  action: TicketAction;
  from?: TicketState;
  to?: TicketState;
  /** Short free text (the answer, the question to the veileder …), privacy-guarded. */
  note?: string;
}

export interface Ticket {
  /** Human-readable, sequential per year: UT-2026-0042. */
  id: string;
  year: number;
  number: number;
  /** Incremented by every change; actions carry the version they were shown. */
  version: number;
  state: TicketState;
  section: Section;
  region?: string;
  question: string;
  situation: Situation;
  /** NAV office of the veileder (remembered per veileder). */
  office?: string;
  /** When the veileder confirmed the bruker's consent to have the case discussed. */
  consentAt: string;
  /**
   * The veileder. cardActivityId: the Teams message that shows the veileder's confirmation card
   * (the form the card replaced, known when the form came as a Universal Action), so that card can
   * be brought up to date later — to the redacted version when retention runs.
   */
  requester: Actor & { conversationKey: string; cardActivityId?: string };
  owner?: Actor & { since: string };
  answer?: { text: string; by: Actor; at: string };
  /** The team's open question to the veileder (state "venter"). */
  pendingQuestion?: { text: string; by: Actor; at: string };
  history: TicketEvent[];
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  /** Where the ticket's card lives: the team channel's conversation key, and the outbox message that posted it. */
  channel?: { conversationKey: string; teamId?: string; cardMessageId?: string };
  /** A delivery that failed for good (e.g. the veileder removed the app), shown on the card. */
  deliveryProblem?: string;
  /** The answer saved as a curated FAQ entry ("Lagre svaret som FAQ"); kept after retention. */
  faq?: { question: string; answer: string; section: Section; savedAt: string; by: Actor };
  /** When the team was last reminded that nobody has taken the ticket. */
  lastRemindedAt?: string;
  /** Set when the text fields were removed by retention (counts stay). */
  redactedAt?: string;
}

export const STATE_LABELS: Record<TicketState, string> = {
  ny: 'Ny',
  tatt: 'Tatt',
  venter: 'Venter på veileder',
  besvart: 'Besvart',
  lukket: 'Lukket',
  trukket: 'Trukket',
};

export const SECTION_LABELS: Record<Section, string> = {
  fagopplaering: 'Fagopplæring',
  inntak: 'Inntak',
  realkompetansevurdering: 'Realkompetansevurdering',
  eksamen: 'Eksamen',
  dokumentasjon: 'Dokumentasjon',
  annet: 'Annet',
};

export function formatTicketId(year: number, n: number): string {
  return `UT-${year}-${String(n).padStart(4, '0')}`;
}
