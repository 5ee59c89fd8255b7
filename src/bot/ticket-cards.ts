/**
 * The ticket (escalation) cards: pure builders that turn a ticket into card JSON. The layout lives
 * in adaptive-cards/*.json (templates); these functions only decide what to show — which facts,
 * which actions for which state and view — and fill the template with the one `render` (render.ts).
 *
 * Text written by people (question, answer, notes, names) is always template *data* and is shown
 * in RichTextBlock/TextRun, which Teams renders as plain text (no Markdown, no HTML), so it can
 * neither change the card's structure nor its formatting.
 */
import { calendarDate, dateTime } from '../text/time.nb.js';
import {
  AGE_BANDS, GRUNNSKOLE, NORWEGIAN_LEVELS, OPEN_STATES, SECTIONS, UPPER_SECONDARY,
  type Section, type Situation, type Ticket, type TicketEvent, type TicketState,
} from '../tickets/model.js';
import { refill } from '../privacy/card-inputs.js';
import { render } from './render.js';
import { ticketTexts as m } from '../text/tickets.nb.js';

export interface Member { id: string; name: string }
type Card = Record<string, unknown>;

/** At most this many tickets in "mine saker". */
export const MY_TICKETS_MAX = 20;
const HISTORY_MAX = 5;
const CONVERSATION_MAX = 4;
const EXCERPT_MAX = 80;
const QUESTION_MAX = 2000;

// ---------------------------------------------------------------- time, in Europe/Oslo

/** «21. nov. kl. 10.02»: the one style for people (src/text/time.nb.ts), under the names the cards used. */
export const shortTime = dateTime;
export const longTime = dateTime;

export { calendarDate };

/** How old something is: "under 1 min", "12 min", "3 t", "2 dager". */
export function ageText(fromIso: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(fromIso)) / 60_000));
  if (minutes < 1) return m.age.justNow;
  if (minutes < 60) return m.age.minutes(minutes);
  if (minutes < 24 * 60) return m.age.hours(Math.floor(minutes / 60));
  return m.age.days(Math.floor(minutes / (24 * 60)));
}

// ---------------------------------------------------------------- what the cards show

interface Fact { label: string; value: string }

/** The bruker's situation as labelled facts («Aldersgruppe: 25 eller eldre»), for the cards and the tab. */
export function situationFacts(s: Situation): Fact[] {
  const facts: Fact[] = [];
  const l = m.situationLabels;
  if (s.ageBand) facts.push({ label: l.ageBand, value: m.situation.ageBand[s.ageBand] });
  if (s.grunnskole) facts.push({ label: l.grunnskole, value: m.situation.grunnskole[s.grunnskole] });
  if (s.upperSecondary) facts.push({ label: l.upperSecondary, value: m.situation.upperSecondary[s.upperSecondary] });
  if (s.norwegianLevel) facts.push({ label: l.norwegianLevel, value: m.situation.norwegianLevel[s.norwegianLevel] });
  if (s.navMeasure) facts.push({ label: l.navMeasure, value: s.navMeasure });
  if (s.deadline) facts.push({ label: l.deadline, value: calendarDate(s.deadline) });
  return facts;
}

const HEADER_STYLE: Record<TicketState, string> = {
  ny: 'accent', tatt: 'default', venter: 'warning', besvart: 'good', lukket: 'emphasis', trukket: 'emphasis',
};

function historyLine(e: TicketEvent, now: Date): string {
  return `${shortTime(e.at, now)} · ${e.actor.name} ${m.events[e.action](e.note)}`;
}

/** The answer was saved as a FAQ entry after it was written. */
function answerSavedAsFaq(t: Ticket): boolean {
  return !!t.answer && t.history.some((e) => e.action === 'lagret-som-faq' && e.at >= t.answer!.at);
}

/** The parts of the ticket both the channel card and the veileder's card show. */
function common(t: Ticket, now: Date, notice: string | undefined) {
  const redacted = !!t.redactedAt;
  const gone = redacted ? m.card.redacted(shortTime(t.redactedAt!, now)) : '';
  return {
    ticketId: t.id,
    version: t.version,
    headerStyle: HEADER_STYLE[t.state],
    notice: notice ?? '',
    redacted,
    question: redacted || !t.question ? gone : t.question,
    hasPending: t.state === 'venter' && !!t.pendingQuestion,
    pendingText: redacted ? gone : t.pendingQuestion?.text ?? '',
    hasAnswer: !!t.answer,
    answerText: redacted ? gone : t.answer?.text ?? '',
  };
}

export type TeamAction = 'take' | 'assign' | 'answer' | 'ask' | 'close' | 'saveFaq';

/** The actions a team member may take on a ticket in its state (what the team view offers). */
export function teamActions(t: Ticket, hasColleagues: boolean): Set<TeamAction> {
  const canSave = !!t.answer && !t.redactedAt && !answerSavedAsFaq(t);
  const byState: Record<TicketState, TeamAction[]> = {
    ny: ['take', 'assign', 'answer', 'ask', 'close'],
    tatt: ['assign', 'answer', 'ask', 'close'],
    venter: ['assign', 'answer', 'close'],
    besvart: ['close', 'saveFaq'],
    lukket: ['saveFaq'],
    trukket: [],
  };
  return new Set(byState[t.state].filter((a) => (a === 'assign' ? hasColleagues : a === 'saveFaq' ? canSave : true)));
}

/** Conversation with the veileder that is not shown elsewhere: earlier questions, added information, follow-ups. */
function conversation(t: Ticket, now: Date): { label: string; text: string }[] {
  if (t.redactedAt) return [];
  const lastAsk = t.state === 'venter' ? t.history.map((e) => e.action).lastIndexOf('spurt') : -1;
  const items: { label: string; text: string }[] = [];
  t.history.forEach((e, i) => {
    if (!e.note) return;
    if (e.action === 'spurt' && i !== lastAsk) items.push({ label: m.card.pendingQuestion(e.actor.name, shortTime(e.at, now)), text: e.note });
    if (e.action === 'info-lagt-til' || e.action === 'gjenapnet') items.push({ label: m.card.fromVeileder(shortTime(e.at, now), e.action === 'gjenapnet'), text: e.note });
  });
  return items.slice(-CONVERSATION_MAX);
}

// ---------------------------------------------------------------- the builders

/**
 * The form a veileder fills in to send a case to the team. `values`: what was submitted, put back
 * into every field it fits (a refused form comes back as it was filled in).
 */
export function escalationFormCard(p: { question?: string; section?: Section; office?: string; region?: string; error?: string; values?: Record<string, unknown> }): Card {
  const choices = <K extends string>(values: readonly K[], titles: Record<K, string>) => values.map((value) => ({ value, title: titles[value] }));
  const card = render('escalate-form', {
    t: m.form,
    question: (p.question ?? '').slice(0, QUESTION_MAX),
    section: p.section && SECTIONS.includes(p.section) ? p.section : '',
    office: p.office ?? '',
    error: p.error ?? '',
    sections: choices(SECTIONS, m.sections),
    ageBands: choices(AGE_BANDS, m.situation.ageBand),
    grunnskole: choices(GRUNNSKOLE, m.situation.grunnskole),
    upperSecondary: choices(UPPER_SECONDARY, m.situation.upperSecondary),
    norwegianLevels: choices(NORWEGIAN_LEVELS, m.situation.norwegianLevel),
    submitData: p.region ? { region: p.region } : {},
  });
  return p.values ? refill(card, p.values) : card;
}

/**
 * The one card per ticket in the team channel. view 'team': the actions a team member may take in
 * the ticket's state; view 'base': read-only (what everyone else sees). With `refreshUserIds`, Teams
 * asks the bot (verb ticketRefresh) for each listed user's own view.
 */
export function ticketCard(t: Ticket, p: { view: 'team' | 'base'; now: Date; members?: Member[]; refreshUserIds?: string[]; notice?: string }): Card {
  const { now } = p;
  const colleagues = (p.members ?? []).filter((x) => x.id !== t.owner?.id);
  const actions = p.view === 'team' ? teamActions(t, colleagues.length > 0) : new Set<TeamAction>();
  const facts: Fact[] = [
    { label: m.card.age, value: ageText(t.createdAt, now) },
    { label: m.card.owner, value: t.owner?.name ?? m.card.noOwner },
    ...(t.office ? [{ label: m.card.office, value: t.office }] : []),
    ...(t.region ? [{ label: m.card.region, value: t.region }] : []),
    ...situationFacts(t.situation),
    { label: m.card.consent, value: m.card.consentAt(shortTime(t.consentAt, now)) },
  ];
  const c = common(t, now, p.notice);
  const answerLabel = t.answer
    ? (t.state === 'besvart' || t.state === 'lukket' ? m.card.answer : m.card.earlierAnswer)(t.answer.by.name, shortTime(t.answer.at, now))
    : '';
  const card = render('ticket', {
    t: m.card,
    ...c,
    heading: [t.id, m.sections[t.section], m.states[t.state]].join(' · '),
    deliveryProblem: t.deliveryProblem ? m.card.deliveryProblem(t.deliveryProblem) : '',
    facts,
    followUps: conversation(t, now),
    pendingLabel: t.pendingQuestion ? m.card.pendingQuestion(t.pendingQuestion.by.name, shortTime(t.pendingQuestion.at, now)) : '',
    answerLabel,
    savedAsFaq: answerSavedAsFaq(t),
    history: t.history.slice(-HISTORY_MAX).map((e) => ({ line: historyLine(e, now) })),
    members: colleagues,
    can: Object.fromEntries(['take', 'assign', 'answer', 'ask', 'close', 'saveFaq'].map((a) => [a, actions.has(a as TeamAction)])),
  });
  // Universal Actions: not display, so not in the template. Teams refreshes for at most 60 users.
  if (p.refreshUserIds?.length) {
    card.refresh = { action: { type: 'Action.Execute', verb: 'ticketRefresh', data: { ticketId: t.id } }, userIds: p.refreshUserIds.slice(0, 60) };
  }
  return card;
}

export type VeilederAction = 'addInfo' | 'withdraw' | 'resolve' | 'reopen' | 'book';

/** The actions the requesting veileder may take in the ticket's state. */
export function veilederActions(t: Ticket, canReopen: boolean): Set<VeilederAction> {
  const reopen = canReopen && !!t.answer;
  const byState: Record<TicketState, VeilederAction[]> = {
    // In "venter", the reply to the team's question is the "Svar teamet" button beside it.
    ny: ['addInfo', 'withdraw'],
    tatt: ['addInfo', 'withdraw'],
    venter: ['withdraw'],
    // Once answered, a three-way talk is often the next step (the answer is general).
    besvart: ['resolve', 'book', ...(reopen ? (['reopen'] as const) : [])],
    lukket: reopen ? ['book', 'reopen'] : ['book'],
    trukket: [],
  };
  return new Set(byState[t.state]);
}

/** The requesting veileder's view in personal chat. */
export function veilederTicketCard(t: Ticket, p: { now: Date; notice?: string; canReopen: boolean }): Card {
  const { now } = p;
  const actions = veilederActions(t, p.canReopen);
  const status = t.state === 'tatt' ? m.veileder.status.tatt(t.owner?.name ?? m.card.noOwner) : t.state === 'ny' && !t.channel ? m.veileder.status.waiting : m.veileder.status[t.state];
  const facts: Fact[] = [
    { label: m.card.section, value: m.sections[t.section] },
    { label: m.veileder.sent, value: shortTime(t.createdAt, now) },
    { label: m.card.owner, value: t.owner?.name ?? m.card.noOwner },
  ];
  const answerLabel = t.answer
    ? (t.state === 'besvart' || t.state === 'lukket' ? m.veileder.answer : m.veileder.earlierAnswer)(t.answer.by.name, longTime(t.answer.at, now))
    : '';
  return render('ticket-veileder', {
    t: m.veileder,
    ...common(t, now, p.notice),
    heading: m.veileder.heading(t.id, m.states[t.state]),
    status,
    facts,
    pendingLabel: t.pendingQuestion ? m.veileder.pendingQuestion(t.pendingQuestion.by.name, longTime(t.pendingQuestion.at, now)) : '',
    answerLabel,
    can: Object.fromEntries(['addInfo', 'withdraw', 'resolve', 'reopen', 'book'].map((a) => [a, actions.has(a as VeilederAction)])),
  });
}

/** The first words of a text, at most `max` characters, cut at a word. */
export function excerpt(text: string, max = EXCERPT_MAX): string {
  const s = text.replace(/\s+/g, ' ').trim();
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:–-]+$/, '')}…`;
}

/** "mine saker": open tickets first, newest first within each group, at most 20. */
export function sortMyTickets(tickets: Ticket[]): Ticket[] {
  // Open tickets come first in «mine saker».
  const open = (t: Ticket) => (OPEN_STATES.includes(t.state) ? 0 : 1);
  return [...tickets].sort((a, b) => open(a) - open(b) || b.createdAt.localeCompare(a.createdAt) || b.year - a.year || b.number - a.number);
}

/** "mine saker": the veileder's own tickets, newest first, open ones first. */
export function myTicketsCard(tickets: Ticket[], p: { now: Date }): Card {
  const shown = sortMyTickets(tickets).slice(0, MY_TICKETS_MAX);
  return render('my-tickets', {
    t: m.myTickets,
    tickets: shown.map((t) => ({
      id: t.id,
      heading: `${t.id} · ${m.states[t.state]}`,
      color: t.state === 'venter' ? 'Warning' : t.state === 'besvart' ? 'Good' : 'Default',
      meta: `${m.sections[t.section]} · ${ageText(t.createdAt, p.now)}`,
      excerpt: t.redactedAt || !t.question ? m.card.redacted(shortTime(t.redactedAt ?? t.updatedAt, p.now)) : excerpt(t.question),
      redacted: !!t.redactedAt,
    })),
    more: tickets.length > shown.length ? m.myTickets.shown(shown.length, tickets.length) : '',
  });
}
