/**
 * Every state change of a ticket, one method per operation. Each one checks who may do it and
 * from which state, compares the version the actor was shown (optimistic concurrency: a stale
 * action changes nothing and returns the current ticket), appends an audit event, and writes the
 * ticket, its event and the outbox messages that tell people about it in one durable write.
 * Team verbs take a TeamMember, which only the roster check (team-roster.ts) makes: the commands
 * in commands/ establish membership; the service never takes a membership flag on trust.
 */
import { DomainError } from '../domain-error.js';
import type { OutboxMessage } from '../outbox/types.js';
import { containsIdentityNumber } from '../privacy/identity-number.js';
import type { Store } from '../store/store.js';
import type { TeamMember } from './team-roster.js';
import { workingMinutesBetween } from './working-time.js';
import { formatTicketId, OPEN_STATES, SECTIONS, type Actor, type Section, type Situation, type Ticket, type TicketAction, type TicketEvent, type TicketState } from './model.js';

/** The action was shown an older version: nothing changed; `current` is what it looks like now. */
export class StaleTicketError extends DomainError {
  constructor(readonly current: Ticket) {
    super('stale', `Saken ${current.id} er endret siden du så den.`);
    this.name = 'StaleTicketError';
  }
}

export interface TicketServiceDeps {
  store: Store;
  clock?: () => Date;
  /** Outbox messages that announce a change (cards, proactive messages), built by the edge. */
  announce?: (ticket: Ticket, event: TicketEvent) => OutboxMessage[];
  /** How long after an answer the veileder may reopen with a follow-up (days). */
  reopenDays?: number;
  /** Outbox messages that bring the ticket's cards already shown in Teams up to date (after retention). */
  refreshCards?: (ticket: Ticket, veilederCards: string[]) => OutboxMessage[];
}

/** Who acted, once retention has removed the names: the role, never the person. */
const ROLE_NAMES = { requester: 'Veileder', team: 'Utdanningsteamet', system: 'Veiviser' } as const;

const MAX_TEXT = 4000;
const FINAL: TicketState[] = ['lukket', 'trukket'];

function cleanText(label: string, text: unknown, max = MAX_TEXT): string {
  if (typeof text !== 'string' || !text.trim()) throw new DomainError('validation', `${label} mangler.`);
  const t = text.trim();
  if (t.length > max) throw new DomainError('validation', `${label} er for lang (høyst ${max} tegn).`);
  if (containsIdentityNumber(t)) throw new DomainError('validation', `${label} ser ut til å inneholde et fødselsnummer eller D-nummer. Fjern det – saken skal ikke ha personopplysninger.`);
  return t;
}

/** The calendar year in Norway (ticket ids count per year). */
function osloYear(d: Date): number {
  return Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Europe/Oslo' }).format(d));
}

export interface CreateTicketProps {
  question: string;
  section: Section;
  region?: string;
  situation: Situation;
  office?: string;
  /** "Bruker har samtykket til at saken drøftes i utdanningsteamet": required. */
  consent: boolean;
  requester: Actor & { conversationKey: string };
  /** Where the ticket's card is posted (the routed escalation channel). */
  channel?: Ticket['channel'];
}

export class TicketService {
  private readonly clock: () => Date;
  constructor(private readonly deps: TicketServiceDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** ticketCreator: a veileder sends a case to the team, with the bruker's consent. */
  async create(p: CreateTicketProps): Promise<Ticket> {
    if (p.consent !== true) throw new DomainError('validation', 'Saken kan bare sendes når bruker har samtykket til at den drøftes i utdanningsteamet.');
    if (!SECTIONS.includes(p.section)) throw new DomainError('validation', 'Ukjent seksjon.');
    const question = cleanText('Spørsmålet', p.question);
    const navMeasure = p.situation.navMeasure === undefined ? undefined : cleanText('NAV-tiltak', p.situation.navMeasure, 200);
    const office = p.office === undefined ? undefined : cleanText('NAV-kontor', p.office, 120);
    const now = this.clock();
    const at = now.toISOString();
    const year = osloYear(now);
    const actor = { id: p.requester.id, name: p.requester.name };
    return this.deps.store.createTicket(
      year,
      (n) => {
        const event: TicketEvent = { at, actor, action: 'opprettet', to: 'ny' };
        return {
          id: formatTicketId(year, n), year, number: n, version: 1, state: 'ny', section: p.section, region: p.region,
          question, situation: { ...p.situation, navMeasure }, office, consentAt: at, requester: p.requester,
          history: [event], createdAt: at, updatedAt: at, channel: p.channel,
        };
      },
      (t) => this.deps.announce?.(t, t.history[t.history.length - 1]) ?? [],
    );
  }

  /** ticketTaker: a team member takes a new ticket ("Ta saken"). */
  async take(p: { ticketId: string; actor: TeamMember; expectedVersion: number }): Promise<Ticket> {
    return this.change(p, 'tatt', { from: ['ny'] }, (t, at) => ({ ...t, state: 'tatt', owner: { id: p.actor.id, name: p.actor.name, since: at } }));
  }

  /** ticketAssigner: a team member gives the ticket to a colleague on the team ("Tildel til …"). */
  async assign(p: { ticketId: string; actor: TeamMember; assignee: TeamMember; expectedVersion: number }): Promise<Ticket> {
    return this.change(p, 'tildelt', { from: ['ny', 'tatt', 'venter'] }, (t, at) => ({
      ...t,
      state: t.state === 'venter' ? 'venter' : 'tatt',
      owner: { id: p.assignee.id, name: p.assignee.name, since: at },
    }), p.assignee.name);
  }

  /** ticketAnswerer: the team's answer, which goes back to the veileder. */
  async answer(p: { ticketId: string; actor: TeamMember; text: string; expectedVersion: number }): Promise<Ticket> {
    const text = cleanText('Svaret', p.text);
    return this.change(p, 'besvart', { from: ['ny', 'tatt', 'venter'] }, (t, at) => ({
      ...t,
      state: 'besvart',
      owner: t.owner ?? { id: p.actor.id, name: p.actor.name, since: at },
      answer: { text, by: { id: p.actor.id, name: p.actor.name }, at },
      pendingQuestion: undefined,
    }), text);
  }

  /** A team member asks the veileder for more information ("Still spørsmål til veileder"). */
  async askVeileder(p: { ticketId: string; actor: TeamMember; text: string; expectedVersion: number }): Promise<Ticket> {
    const text = cleanText('Spørsmålet til veilederen', p.text);
    return this.change(p, 'spurt', { from: ['ny', 'tatt'] }, (t, at) => ({
      ...t,
      state: 'venter',
      owner: t.owner ?? { id: p.actor.id, name: p.actor.name, since: at },
      pendingQuestion: { text, by: { id: p.actor.id, name: p.actor.name }, at },
    }), text);
  }

  /** The requesting veileder adds information (an answer to the team's question, or more context). */
  async addInfo(p: { ticketId: string; actor: Actor; text: string; expectedVersion: number }): Promise<Ticket> {
    const text = cleanText('Tilleggsinformasjonen', p.text);
    return this.change(p, 'info-lagt-til', { requester: true, from: ['ny', 'tatt', 'venter'] }, (t) => ({
      ...t,
      state: t.state === 'venter' ? 'tatt' : t.state,
      pendingQuestion: undefined,
    }), text);
  }

  /** A team member closes the ticket ("Lukk"). */
  async close(p: { ticketId: string; actor: TeamMember; expectedVersion: number }): Promise<Ticket> {
    return this.change(p, 'lukket', { from: ['ny', 'tatt', 'venter', 'besvart'] }, (t, at) => ({ ...t, state: 'lukket', closedAt: at }));
  }

  /** The requesting veileder withdraws the ticket. */
  async withdraw(p: { ticketId: string; actor: Actor; expectedVersion: number }): Promise<Ticket> {
    return this.change(p, 'trukket', { requester: true, from: ['ny', 'tatt', 'venter'] }, (t, at) => ({ ...t, state: 'trukket', closedAt: at }));
  }

  /**
   * "Lagre svaret som FAQ": the question and the team's answer become a curated FAQ entry,
   * searchable at once, so the team's knowledge outlives the people who wrote it.
   */
  async saveAsFaq(p: { ticketId: string; actor: TeamMember; expectedVersion: number }): Promise<Ticket> {
    return this.change(p, 'lagret-som-faq', { from: ['besvart', 'lukket'] }, (t, at) => {
      if (!t.answer || t.redactedAt) throw new DomainError('transition', 'Saken har ikke noe svar som kan lagres.');
      if (t.faq) throw new DomainError('transition', 'Svaret er allerede lagret som FAQ.');
      return { ...t, faq: { question: t.question, answer: t.answer.text, section: t.section, savedAt: at, by: { id: p.actor.id, name: p.actor.name } } };
    });
  }

  /** The veileder marks the answer as solving the case ("Løst, takk"). */
  async resolve(p: { ticketId: string; actor: Actor; expectedVersion: number }): Promise<Ticket> {
    return this.change(p, 'lost', { requester: true, from: ['besvart'] }, (t, at) => ({ ...t, state: 'lukket', closedAt: at }));
  }

  /** The veileder needs more help ("Trenger mer hjelp"): back to the team, within the reopen period. */
  async reopen(p: { ticketId: string; actor: Actor; text: string; expectedVersion: number }): Promise<Ticket> {
    const text = cleanText('Oppfølgingsspørsmålet', p.text);
    const days = this.deps.reopenDays ?? 30;
    return this.change(p, 'gjenapnet', { requester: true, from: ['besvart', 'lukket'] }, (t) => {
      const since = Date.parse(t.answer?.at ?? t.closedAt ?? t.updatedAt);
      if (!t.answer || this.clock().getTime() - since > days * 86_400_000) {
        throw new DomainError('transition', `Saken kan bare gjenåpnes innen ${days} dager etter svaret. Send en ny sak i stedet.`);
      }
      return { ...t, state: 'tatt', closedAt: undefined };
    }, text);
  }

  /**
   * Re-announces tickets nobody has taken after `hours` working hours (Europe/Oslo, weekends and
   * public holidays excluded), at most once per `hours` working hours. Returns the ids reminded.
   */
  async remindUntaken(hours: number): Promise<string[]> {
    const now = this.clock();
    const at = now.toISOString();
    const reminded: string[] = [];
    for (const t of await this.deps.store.listTickets()) {
      if (t.state !== 'ny') continue;
      if (workingMinutesBetween(new Date(t.lastRemindedAt ?? t.createdAt), now) < hours * 60) continue;
      const event: TicketEvent = { at, actor: { id: 'veiviser', name: 'Veiviser' }, action: 'purret', note: `${Math.floor(workingMinutesBetween(new Date(t.createdAt), now) / 60)}` };
      const r = await this.deps.store.updateTicket(t.id, t.version, (x) => ({ ...x, lastRemindedAt: at, updatedAt: at, history: [...x.history, event] }), (x) => this.deps.announce?.(x, event) ?? []);
      if (r.ok) reminded.push(t.id);
    }
    return reminded;
  }

  /**
   * Retention: deletes the free text of tickets closed or withdrawn more than `days` days ago
   * (question, answers, questions to the veileder, notes, NAV measure) and the names of the
   * people in it (replaced by their role; the Teams ids stay, so the veileder still sees the
   * ticket under «Mine saker»); state, section, region, office, dates and history actions stay
   * for statistics. The cards already shown in Teams are updated to the redacted version in the
   * same write. A saved FAQ entry stays: the team published it. Returns the ids redacted.
   */
  async redactClosed(days: number): Promise<string[]> {
    const now = this.clock();
    const at = now.toISOString();
    const done: string[] = [];
    const nameOf = (t: Ticket, a: Actor): Actor => ({ id: a.id, name: a.id === 'veiviser' ? ROLE_NAMES.system : a.id === t.requester.id ? ROLE_NAMES.requester : ROLE_NAMES.team });
    for (const t of await this.deps.store.listTickets()) {
      if (!FINAL.includes(t.state) || t.redactedAt || !t.closedAt) continue;
      if (now.getTime() - Date.parse(t.closedAt) < days * 86_400_000) continue;
      const veilederCards = (await this.deps.store.listTicketCards(t.id)).filter((m) => m.card === 'veileder' && m.status === 'sent').map((m) => m.id);
      const r = await this.deps.store.updateTicket(t.id, t.version, (x) => ({
        ...x,
        question: '',
        answer: x.answer ? { text: '', by: nameOf(x, x.answer.by), at: x.answer.at } : undefined,
        pendingQuestion: undefined,
        situation: { ...x.situation, navMeasure: undefined },
        requester: { ...x.requester, name: ROLE_NAMES.requester },
        owner: x.owner ? { ...x.owner, name: ROLE_NAMES.team } : undefined,
        faq: x.faq ? { ...x.faq, by: nameOf(x, x.faq.by) } : undefined,
        history: x.history.map((e) => ({ ...e, actor: nameOf(x, e.actor), note: e.action === 'purret' ? e.note : undefined })),
        redactedAt: at,
        updatedAt: at,
      }), (x) => this.deps.refreshCards?.(x, veilederCards) ?? []);
      if (r.ok) done.push(t.id);
    }
    return done;
  }

  /**
   * Answered tickets nobody reacts to are closed by Veiviser `days` days after the answer (and so,
   * later, reach retention): the veileder is told, and the channel card follows. Returns the ids.
   */
  async closeIdleAnswered(days: number): Promise<string[]> {
    const now = this.clock();
    const at = now.toISOString();
    const closed: string[] = [];
    for (const t of await this.deps.store.listTickets()) {
      if (t.state !== 'besvart' || !t.answer) continue;
      if (now.getTime() - Date.parse(t.updatedAt > t.answer.at ? t.updatedAt : t.answer.at) < days * 86_400_000) continue;
      const event: TicketEvent = { at, actor: { id: 'veiviser', name: ROLE_NAMES.system }, action: 'lukket', from: 'besvart', to: 'lukket' };
      const r = await this.deps.store.updateTicket(t.id, t.version, (x) => ({ ...x, state: 'lukket', closedAt: at, updatedAt: at, history: [...x.history, event] }), (x) => this.deps.announce?.(x, event) ?? []);
      if (r.ok) closed.push(t.id);
    }
    return closed;
  }

  /**
   * A ticket made before the team had chosen a channel goes to the channel chosen now: its card is
   * posted there, and the veileder's card says it has reached the team. Only open tickets without a
   * channel; returns false when the ticket has one already (or is closed).
   */
  async sendToChannel(ticketId: string, channel: NonNullable<Ticket['channel']>): Promise<boolean> {
    for (let i = 0; i < 5; i++) {
      const t = await this.deps.store.getTicket(ticketId);
      if (!t || t.channel || !OPEN_STATES.includes(t.state)) return false;
      const at = this.clock().toISOString();
      const event: TicketEvent = { at, actor: { id: 'veiviser', name: ROLE_NAMES.system }, action: 'sendt-til-kanal' };
      const r = await this.deps.store.updateTicket(t.id, t.version, (x) => ({ ...x, channel, updatedAt: at, history: [...x.history, event] }), (x) => this.deps.announce?.(x, event) ?? []);
      if (r.ok) return true;
      if (r.reason === 'not-found') return false;
    }
    return false;
  }

  /** Records a delivery that failed for good, so the card can show it. No version check: it is the system's note. */
  async markDeliveryProblem(ticketId: string, reason: string, opts: { announce: boolean } = { announce: true }): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const t = await this.deps.store.getTicket(ticketId);
      // Once is enough: the same problem again must not update the card again (which could fail again).
      if (!t || t.deliveryProblem === reason.slice(0, 300)) return;
      const at = this.clock().toISOString();
      const event: TicketEvent = { at, actor: { id: 'veiviser', name: 'Veiviser' }, action: 'leveringsfeil', note: reason.slice(0, 300) };
      const r = await this.deps.store.updateTicket(ticketId, t.version, (x) => ({ ...x, deliveryProblem: reason.slice(0, 300), updatedAt: at, history: [...x.history, event] }), (x) => (opts.announce ? this.deps.announce?.(x, event) ?? [] : []));
      if (r.ok || r.reason === 'not-found') return;
    }
  }

  private async change(
    p: { ticketId: string; actor: Actor; expectedVersion: number },
    action: TicketAction,
    rule: { requester?: true; from: TicketState[] },
    apply: (t: Ticket, at: string) => Ticket,
    note?: string,
  ): Promise<Ticket> {
    if (!Number.isInteger(p.expectedVersion) || p.expectedVersion < 1) throw new DomainError('validation', 'Ugyldig versjon.');
    const at = this.clock().toISOString();
    let event: TicketEvent | undefined;
    const result = await this.deps.store.updateTicket(
      p.ticketId,
      p.expectedVersion,
      (t) => {
        if (rule.requester && p.actor.id !== t.requester.id) throw new DomainError('forbidden', 'Bare veilederen som sendte saken kan gjøre dette.');
        if (!rule.from.includes(t.state)) throw new DomainError('transition', `Saken er ${t.state === 'venter' ? 'venter på veileder' : t.state} og kan ikke få denne handlingen nå.`);
        const next = apply(t, at);
        event = { at, actor: { id: p.actor.id, name: p.actor.name }, action, from: t.state, to: next.state, note };
        return { ...next, updatedAt: at, history: [...t.history, event] };
      },
      (t) => (event ? this.deps.announce?.(t, event) ?? [] : []),
    );
    if (result.ok) return result.ticket;
    if (result.reason === 'stale') throw new StaleTicketError(result.current);
    throw new DomainError('not-found', `Fant ikke saken ${p.ticketId}.`);
  }
}

