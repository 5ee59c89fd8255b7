/**
 * The Teams side of tickets: text commands (spør teamet, mine saker, bruk denne kanalen), the
 * escalation form, and the card actions of team members and veiledere. A translator: it validates
 * every card action's data with a schema, runs the ticket command (src/tickets/commands/) with
 * the actor and this turn's roster, and turns the result — or a refusal, in one mapping — into a card.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { fold } from '../faq/text.js';
import type { EscalationChannel, Store } from '../store/store.js';
import { AGE_BANDS, GRUNNSKOLE, NORWEGIAN_LEVELS, OPEN_STATES, SECTION_LABELS, SECTIONS, STATE_LABELS, UPPER_SECONDARY, type Section, type Ticket } from '../tickets/model.js';
import { DomainError } from '../domain-error.js';
import * as commands from '../tickets/commands/index.js';
import { myTickets } from '../tickets/queries.js';
import { NotTeamMemberError, RosterUnavailableError, teamMemberOf, type CommandActor } from '../tickets/team-roster.js';
import { StaleTicketError, type TicketService } from '../tickets/ticket-service.js';
import { fieldLabels, findIdentityNumbers, loggableFields, refusalValues, refill } from '../privacy/card-inputs.js';
import type { Roster } from './roster.js';
import { escalationFormCard, myTicketsCard, ticketCard, veilederTicketCard } from './ticket-cards.js';
import { commonTexts } from '../text/common.nb.js';
import { ticketTexts } from '../text/tickets.nb.js';
import type { Turn } from './turn.js';
import { optionalInput } from './cards.js';

export type EdgeResult = { card?: Record<string, unknown>; message?: string; status?: number };

export interface TicketEdgeDeps {
  tickets: TicketService;
  store: Store;
  roster: Roster;
  log: Logger;
  /** AAD object ids or Teams ids of Veiviser administrators (may set escalation channels anywhere). */
  adminIds: string[];
  reopenDays: number;
  clock?: () => Date;
  /** Called after a change that produced outbox messages, so they go out at once. */
  kick?: () => void;
  /** Called after an answer was saved as a FAQ entry (the FAQ index is rebuilt). */
  onFaqSaved?: () => void;
}

const opt = optionalInput;
const TicketRef = z.object({ ticketId: z.string().regex(/^UT-\d{4}-\d{4,6}$/), version: z.coerce.number().int().min(1) });
const CreateData = z.object({
  question: z.string().trim().min(5).max(2000),
  section: z.enum(SECTIONS),
  ageBand: opt(z.enum(AGE_BANDS)),
  grunnskole: opt(z.enum(GRUNNSKOLE)),
  upperSecondary: opt(z.enum(UPPER_SECONDARY)),
  norwegianLevel: opt(z.enum(NORWEGIAN_LEVELS)),
  navMeasure: opt(z.string().trim().max(200)),
  deadline: opt(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)),
  office: opt(z.string().trim().max(120)),
  region: opt(z.string().trim().max(60)),
  consent: z.union([z.literal('true'), z.literal(true)]),
});
const TextData = TicketRef.extend({ text: z.string().trim().min(1).max(4000) });
const AskData = TicketRef.extend({ askText: z.string().trim().min(1).max(4000) });
const AssignData = TicketRef.extend({ assignee: z.string().min(1).max(200) });
const ShowData = z.object({ ticketId: TicketRef.shape.ticketId });
const FormData = z.object({ question: opt(z.string().max(2000)), section: opt(z.enum(SECTIONS)) });

export const userHash = (id: string | undefined): string => createHash('sha256').update(`veiviser:${id ?? ''}`).digest('hex').slice(0, 32);

export class TicketEdge {
  private readonly clock: () => Date;
  private readonly commandDeps: commands.CommandDeps;
  constructor(private readonly d: TicketEdgeDeps) {
    this.clock = d.clock ?? (() => new Date());
    this.commandDeps = { service: d.tickets, store: d.store, kickOutbox: d.kick, onFaqSaved: d.onFaqSaved, clock: this.clock, log: d.log };
  }

  /** The commands' dependencies, with the roster read through this turn. */
  private commandsFor(turn: Turn): commands.CommandContext {
    return { ...this.commandDeps, roster: this.d.roster.forTurn(turn) };
  }

  /** Text commands; true when the text was one of them. */
  async onText(turn: Turn, text: string): Promise<boolean> {
    const t = fold(text.toLowerCase()).replace(/[.!?]+$/, '').trim();
    const type = turn.conversation.type;
    if (/^bruk denne kanalen\b/.test(t)) {
      await this.useThisChannel(turn, text.replace(/^[^]*?kanalen\s*/i, ''));
      return true;
    }
    if (type === 'channel' && /^svar\b/.test(t)) {
      await this.answerFromThread(turn, text.replace(/^\s*svar\s*:?\s*/i, ''));
      return true;
    }
    // The agenda lists open tickets and owners: only in the team's channel, never to a veileder in personal chat.
    if (/^agenda$/.test(t) && type === 'channel') {
      await turn.send({ text: await this.agenda(), textFormat: 'markdown' });
      return true;
    }
    if (type !== 'personal') return false;
    if (/^(sp(o|ø)r teamet|send til teamet)\b/.test(t)) {
      const question = text.replace(/^\s*\S+\s+teamet[:\s]*/i, '').trim();
      await turn.sendCard(await this.formCard(turn, question || undefined));
      return true;
    }
    if (/^mine saker$/.test(t)) {
      await turn.sendCard(myTicketsCard(await myTickets(this.d.store, turn.actorId), { now: this.clock() }));
      return true;
    }
    return false;
  }

  /** The escalation form, prefilled with the question and the veileder's remembered office. */
  async formCard(turn: Turn, question?: string, section?: Section): Promise<Record<string, unknown>> {
    const profile = await this.d.store.getVeilederProfile(userHash(turn.actorId));
    return escalationFormCard({ question, section, office: profile?.office });
  }

  /**
   * The bot was added to a team: its General channel becomes the catch-all escalation channel
   * if none is set yet, so the queue works out of the box; "bruk denne kanalen" changes it.
   */
  async onTeamInstalled(turn: Turn): Promise<void> {
    const teamId = turn.team?.id;
    if (!teamId || (await this.d.store.listEscalationChannels()).length > 0) return;
    const key = `channel:${teamId}`;
    await turn.rememberConversation(this.d.store, { key, conversationId: teamId, at: this.clock() });
    await this.d.store.saveEscalationChannel({
      conversationKey: key, teamId, channelId: teamId, teamName: turn.team?.name, channelName: 'General', sections: [], regions: [],
      setBy: { id: 'veiviser', name: 'Veiviser (standard ved installasjon)' }, setAt: this.clock().toISOString(),
    });
    this.d.log.info({ event: 'escalation_channel_default', teamId });
    await this.sendWaitingTickets(turn);
  }

  /** Card actions of the ticket flow; undefined when the verb is not a ticket verb. */
  async onAction(turn: Turn, verb: string, data: Record<string, unknown>): Promise<EdgeResult | undefined> {
    if (!verb.startsWith('ticket')) return undefined;
    // Before anything is stored or sent, and before the data fills a form again.
    const found = findIdentityNumbers(data);
    if (found.length) return this.refuseIdentityNumbers(turn, verb, data, found);
    try {
      switch (verb) {
        case 'ticketForm': {
          const d = FormData.parse(data);
          return { card: await this.formCard(turn, d.question, d.section) };
        }
        case 'ticketFormCancel':
          return { message: ticketTexts.formCancelled };
        case 'ticketCreate':
          return await this.create(turn, data);
        case 'ticketShow': {
          const d = ShowData.parse(data);
          const t = await this.d.store.getTicket(d.ticketId);
          if (!t) return { message: ticketTexts.notFound, status: 404 };
          if (t.requester.id === turn.actorId) return { card: this.veilederCard(t) };
          return this.teamView(turn, t);
        }
        case 'ticketRefresh': {
          const d = ShowData.parse(data);
          const t = await this.d.store.getTicket(d.ticketId);
          if (!t) return { message: ticketTexts.notFound, status: 404 };
          return this.teamView(turn, t, undefined, true);
        }
        case 'ticketTake':
        case 'ticketClose':
        case 'ticketSaveFaq':
        case 'ticketAnswer':
        case 'ticketAsk':
        case 'ticketAssign':
          return await this.teamAction(turn, verb, data);
        case 'ticketWithdraw':
        case 'ticketResolve':
        case 'ticketAddInfo':
        case 'ticketReopen':
          return await this.veilederAction(turn, verb, data);
        default:
          this.d.log.info({ event: 'card_action_rejected', reason: 'unknown ticket verb' });
          return { message: commonTexts.unknownAction, status: 400 };
      }
    } catch (err) {
      if (err instanceof z.ZodError) {
        this.d.log.info({ event: 'card_action_rejected', reason: 'invalid data', verb });
        return { message: commonTexts.invalidAction, status: 400 };
      }
      throw err;
    }
  }

  /**
   * The one identity-number guard for ticket actions (the form, answers, questions, added
   * information, follow-ups, …). A refusal shows the same form or card with every field as it
   * was, except the offending ones (masked or emptied), and names them; nothing is stored or sent.
   */
  private async refuseIdentityNumbers(turn: Turn, verb: string, data: Record<string, unknown>, found: string[]): Promise<EdgeResult> {
    this.d.log.info({ event: 'identity_number_refused', verb, fields: loggableFields(found) });
    const values = refusalValues(data, found);
    if (verb === 'ticketCreate' || verb === 'ticketForm') {
      const office = verb === 'ticketForm' ? (await this.d.store.getVeilederProfile(userHash(turn.actorId)))?.office : undefined;
      const region = regionOf(values);
      const labels = fieldLabels(escalationFormCard({}), found, 'ticketCreate');
      return { card: escalationFormCard({ office, region, values, error: commonTexts.identityInFields(labels) }) };
    }
    const ref = TicketRef.shape.ticketId.safeParse(data.ticketId);
    const t = ref.success ? await this.d.store.getTicket(ref.data) : undefined;
    const message = { message: commonTexts.identityInFields([]), status: 400 };
    if (!t) return message;
    if (VEILEDER_VERBS.includes(verb)) {
      if (t.requester.id !== turn.actorId) return message;
      const labels = fieldLabels(this.veilederCard(t), found, verb);
      return { card: refill(this.veilederCard(t, commonTexts.identityInFields(labels)), values, verb) };
    }
    const first = await this.teamView(turn, t, undefined, true);
    if (!first.card) return message;
    const labels = fieldLabels(first.card, found, verb);
    const r = await this.teamView(turn, t, commonTexts.identityInFields(labels), true);
    return r.card ? { card: refill(r.card, values, verb) } : message;
  }

  private async create(turn: Turn, data: Record<string, unknown>): Promise<EdgeResult> {
    const parsed = CreateData.safeParse(data);
    if (!parsed.success) {
      const consentMissing = parsed.error.issues.some((i) => i.path[0] === 'consent');
      const error = consentMissing ? ticketTexts.form.consentError : ticketTexts.formIncomplete;
      this.d.log.info({ event: 'ticket_form_rejected', consentMissing });
      // Everything filled in stays filled in (section, situation, office, …).
      return { card: escalationFormCard({ region: regionOf(data), values: data, error }) };
    }
    const p = parsed.data;
    // A Universal Action's answer replaces the form in place: that message (replyToId) is the card to update later.
    const cardActivityId = turn.type === 'invoke' && turn.replyToId ? String(turn.replyToId).slice(0, 200) : undefined;
    const requester = { id: turn.actorId, name: turn.actor.name ?? 'Veileder', conversationKey: turn.conversation.key, ...(cardActivityId ? { cardActivityId } : {}) };
    // The answer comes back by proactive message: keep this conversation's reference.
    await turn.rememberConversation(this.d.store, { key: requester.conversationKey, keepStored: true, at: this.clock() });
    try {
      const { ticket: t, routed } = await commands.createTicket(this.commandsFor(turn), {
        question: p.question,
        section: p.section,
        region: p.region,
        situation: { ageBand: p.ageBand, grunnskole: p.grunnskole, upperSecondary: p.upperSecondary, norwegianLevel: p.norwegianLevel, navMeasure: p.navMeasure, deadline: p.deadline },
        office: p.office,
        requester,
      });
      if (p.office) await this.d.store.saveVeilederProfile({ ...(await this.d.store.getVeilederProfile(userHash(requester.id))), userHash: userHash(requester.id), office: p.office, updatedAt: this.clock().toISOString() });
      this.d.log.info({ event: 'ticket_created', ticketId: t.id, section: t.section, routed });
      return { card: veilederTicketCard(t, { now: this.clock(), canReopen: false, notice: ticketTexts.created(t, routed) }) };
    } catch (err) {
      if (err instanceof DomainError) return this.refused(err, { verb: 'ticketCreate', show: (notice) => ({ card: escalationFormCard({ region: p.region, values: data, error: notice }) }) });
      throw err;
    }
  }

  /**
   * "@Veiviser svar: …" in a ticket card's thread: the team member's reply becomes the ticket's
   * answer (marked as an answer by the command), and goes to the veileder like one from the card.
   */
  private async answerFromThread(turn: Turn, text: string): Promise<void> {
    const root = /;messageid=(.+)$/.exec(turn.conversation.id ?? '')?.[1];
    const card = root ? (await this.d.store.listOutbox()).find((m) => m.deliveredActivityId === root && m.ticketId && m.kind === 'post' && !m.threadOf) : undefined;
    const t = card?.ticketId ? await this.d.store.getTicket(card.ticketId) : undefined;
    if (!t || t.channel?.cardMessageId !== card?.id) {
      await turn.send(ticketTexts.threadNoTicket);
      return;
    }
    const r = await this.teamAction(turn, 'ticketAnswer', { ticketId: t.id, version: t.version, text });
    const after = await this.d.store.getTicket(t.id);
    const answered = after?.state === 'besvart' && after.version === t.version + 1;
    await turn.send(answered ? ticketTexts.threadAnswered(t.id) : r.message ?? ticketTexts.threadNotAnswered(t));
  }

  /** Open tickets for the team's meeting: oldest first, grouped by section. */
  private async agenda(): Promise<string> {
    const now = this.clock();
    const open = (await this.d.store.listTickets()).filter((t) => OPEN_STATES.includes(t.state)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const groups = SECTIONS.map((section) => ({
      section: SECTION_LABELS[section],
      lines: open.filter((t) => t.section === section).map((t) => `${t.id} · ${STATE_LABELS[t.state]} · ${ticketTexts.ageOf(t.createdAt, now)} · ${t.owner?.name ?? ticketTexts.agendaNoOwner}`),
    })).filter((g) => g.lines.length > 0);
    return ticketTexts.agenda(groups, now);
  }

  /** Tickets made while no channel fitted them go to the channel that fits now. */
  private async sendWaitingTickets(turn: Turn): Promise<void> {
    const sent = await commands.sendWaitingTickets(this.commandsFor(turn));
    if (sent) this.d.log.info({ event: 'waiting_tickets_sent', count: sent });
  }

  private veilederCard(t: Ticket, notice?: string): Record<string, unknown> {
    const now = this.clock();
    const canReopen = Boolean(t.answer) && now.getTime() - Date.parse(t.answer?.at ?? '') <= this.d.reopenDays * 86_400_000 && (t.state === 'besvart' || t.state === 'lukket');
    return veilederTicketCard(t, { now, canReopen, notice });
  }

  /** The card a team member sees (the base view for anyone the roster does not list on the ticket's team). */
  private async teamView(turn: Turn, t: Ticket, notice?: string, quietIfOutsider = false): Promise<EdgeResult> {
    const member = Boolean(await teamMemberOf(this.d.roster.forTurn(turn), t, teamActor(turn)).catch((err: Error) => this.rosterUnavailable(err)));
    const members = member && t.channel?.teamId ? (await this.d.roster.members(turn, t.channel.teamId)).map((m) => ({ id: m.aadObjectId ?? m.id, name: m.name })) : undefined;
    if (!member && !quietIfOutsider) this.d.log.info({ event: 'ticket_view_base', ticketId: t.id });
    return { card: ticketCard(t, { view: member ? 'team' : 'base', now: this.clock(), members, notice, refreshUserIds: t.channel?.teamId ? this.d.roster.cachedIds(t.channel.teamId) : undefined }) };
  }

  private async teamAction(turn: Turn, verb: string, data: Record<string, unknown>): Promise<EdgeResult> {
    const ref = TicketRef.parse({ ticketId: data.ticketId, version: data.version });
    const c = this.commandsFor(turn);
    const actor = teamActor(turn);
    const input = { ticketId: ref.ticketId, version: ref.version };
    const render = (t: Ticket, notice?: string) => this.teamView(turn, t, notice);
    return this.run(verb, ref.ticketId, render, () => {
      switch (verb) {
        case 'ticketTake': return commands.takeTicket(c, actor, input);
        case 'ticketClose': return commands.closeTicket(c, actor, input);
        case 'ticketAnswer': return commands.answerTicket(c, actor, { ...input, text: TextData.parse(data).text });
        case 'ticketAsk': return commands.askVeileder(c, actor, { ...input, text: AskData.parse(data).askText });
        case 'ticketAssign': return commands.assignTicket(c, actor, { ...input, assignee: AssignData.parse(data).assignee });
        case 'ticketSaveFaq': return commands.saveAsFaq(c, actor, input);
        default: throw new DomainError('validation', commonTexts.unknownAction);
      }
    });
  }

  private async veilederAction(turn: Turn, verb: string, data: Record<string, unknown>): Promise<EdgeResult> {
    const ref = TicketRef.parse({ ticketId: data.ticketId, version: data.version });
    const c = this.commandsFor(turn);
    const actor = { id: turn.actorId, name: turn.actor.name ?? 'Veileder' };
    const input = { ticketId: ref.ticketId, version: ref.version };
    const render = (t: Ticket, notice?: string): EdgeResult => ({ card: this.veilederCard(t, notice) });
    return this.run(verb, ref.ticketId, render, () => {
      switch (verb) {
        case 'ticketWithdraw': return commands.withdrawTicket(c, actor, input);
        case 'ticketResolve': return commands.resolveTicket(c, actor, input);
        case 'ticketAddInfo': return commands.addInfo(c, actor, { ...input, text: TextData.parse(data).text });
        default: return commands.reopenTicket(c, actor, { ...input, text: TextData.parse(data).text });
      }
    });
  }

  /** Runs a command and answers with the card the actor should now see (a refusal: see refused). */
  private async run(verb: string, ticketId: string, render: (t: Ticket, notice?: string) => Promise<EdgeResult> | EdgeResult, command: () => Promise<Ticket>): Promise<EdgeResult> {
    try {
      return await render(await command());
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return this.refused(err, {
        verb,
        ticketId,
        show: async (notice, current) => (current ? render(current, notice) : { message: ticketTexts.notFound, status: 404 }),
      });
    }
  }

  /**
   * The one mapping of a refused ticket command to what Teams shows: a stale action shows the
   * ticket as it is now and who changed it; a roster that cannot be read, an actor who may not, a
   * ticket that does not exist answer with a notice and a status; anything else (validation, a
   * transition) shows the card again (the ticket as it is now, or the form) with the reason.
   */
  private async refused(err: DomainError, on: { verb: string; ticketId?: string; show: (notice: string, current?: Ticket) => Promise<EdgeResult> | EdgeResult }): Promise<EdgeResult> {
    if (err instanceof StaleTicketError) {
      this.d.log.info({ event: 'ticket_action_stale', ticketId: err.current.id });
      return on.show(ticketTexts.staleNotice(err.current, this.clock()), err.current);
    }
    switch (err.code) {
      case 'unavailable':
        this.rosterUnavailable(err);
        return { message: ticketTexts.rosterUnavailable, status: 503 };
      case 'forbidden':
        if (err instanceof NotTeamMemberError) {
          if (err.teamId) this.d.log.warn({ event: 'card_action_rejected', reason: 'not a team member', ticketId: err.ticketId, verb: on.verb });
          return { message: ticketTexts.notMember, status: 403 };
        }
        this.d.log.warn({ event: 'card_action_rejected', reason: 'forbidden', ticketId: on.ticketId });
        return { message: err.message, status: 403 };
      case 'not-found':
        return { message: err.message, status: 404 };
      default:
        return on.show(err.message, on.ticketId ? await this.d.store.getTicket(on.ticketId) : undefined);
    }
  }

  /** Notes a roster that could not be read (the reason Teams gave); the caller refuses or shows the base view. */
  private rosterUnavailable(err: Error): undefined {
    this.d.log.warn({ event: 'roster_unavailable', err: err instanceof RosterUnavailableError ? err.reason : err.message });
    return undefined;
  }

  /** "@Veiviser bruk denne kanalen [for <seksjon|region>, …]" in a team channel. */
  private async useThisChannel(turn: Turn, rest: string): Promise<void> {
    const teamId = turn.team?.id;
    const channelId = turn.channel?.id ?? teamId;
    if (turn.conversation.type !== 'channel' || !teamId || !channelId) {
      await turn.send(ticketTexts.channelOnlyInTeams);
      return;
    }
    const from = turn.actor;
    let allowed = this.d.adminIds.includes(from.aadObjectId ?? '') || this.d.adminIds.includes(from.id ?? '');
    if (!allowed) {
      try {
        const m = await this.d.roster.member(turn, teamId, { id: from.id, aadObjectId: from.aadObjectId });
        allowed = m?.userRole?.toLowerCase() === 'owner';
      } catch (err) {
        this.rosterUnavailable(err as Error);
      }
    }
    if (!allowed) {
      this.d.log.warn({ event: 'channel_set_rejected', teamId });
      await turn.send(ticketTexts.channelNotAllowed);
      return;
    }
    const words = rest.replace(/^for\s+/i, '').split(/[,]|\s+og\s+/).map((w) => w.trim()).filter(Boolean);
    const sections: Section[] = [];
    const regions: string[] = [];
    for (const w of words) {
      const f = fold(w.toLowerCase());
      const s = SECTIONS.find((x) => x === f || fold(SECTION_LABELS[x].toLowerCase()) === f);
      if (s) sections.push(s);
      else regions.push(w);
    }
    const key = `channel:${channelId}`;
    await turn.rememberConversation(this.d.store, { key, conversationId: channelId, at: this.clock() });
    const channel: EscalationChannel = {
      conversationKey: key, teamId, channelId, teamName: turn.team?.name, channelName: turn.channel?.name, sections, regions,
      setBy: { id: turn.actorId, name: from.name ?? 'Ukjent' }, setAt: this.clock().toISOString(),
    };
    await this.d.store.saveEscalationChannel(channel);
    this.d.log.info({ event: 'escalation_channel_set', teamId, sections, regions: regions.length });
    await this.sendWaitingTickets(turn);
    const filter = [...sections.map((s) => SECTION_LABELS[s].toLowerCase()), ...regions].join(', ');
    await turn.send(ticketTexts.channelSet(filter));
  }
}

const VEILEDER_VERBS = ['ticketWithdraw', 'ticketResolve', 'ticketAddInfo', 'ticketReopen'];

/** The region the form carries in its submit data (not an input), when it is a plain short text. */
function regionOf(data: Record<string, unknown>): string | undefined {
  return typeof data.region === 'string' && data.region.length <= 60 ? data.region : undefined;
}

/** The acting user as the commands check them against the roster: their ids, name and the team the activity comes from. */
function teamActor(turn: Turn): CommandActor {
  const from = turn.actor;
  return { id: turn.actorId, name: from.name ?? 'Ukjent', roster: { id: from.id, aadObjectId: from.aadObjectId }, teamId: turn.team?.id };
}
