/**
 * Turns a ticket change into the outbox messages that tell people about it: the channel card
 * posted once and updated in place on every change, the veileder's own card in personal chat when
 * the team answers or asks, and the veileder's replies in the ticket's thread in the channel.
 * Written in the same durable write as the change (TicketService → Store.updateTicket).
 */
import { randomUUID } from 'node:crypto';
import type { OutboxMessage } from '../outbox/types.js';
import type { Ticket, TicketEvent } from '../tickets/model.js';
import { ticketCard, veilederTicketCard } from './ticket-cards.js';
import { ticketTexts } from '../text/tickets.nb.js';
import { adaptiveCardAttachment } from './cards.js';

const card = adaptiveCardAttachment;

/** The outbox row that stands for the veileder's confirmation card (one per ticket, so every change can replace it). */
export const veilederCardRowId = (t: Ticket): string => `${t.id}:kvittering`;

export interface AnnouncerDeps {
  clock: () => Date;
  /** Teams user ids of the team's members, for Universal Actions refresh (may be empty). */
  refreshUserIds: (teamId: string | undefined) => string[];
  /** The team's members known right now, for "Tildel til …". */
  members: (teamId: string | undefined) => { id: string; name: string }[];
  reopenDays: number;
}

export function makeAnnouncer(deps: AnnouncerDeps) {
  return (t: Ticket, e: TicketEvent): OutboxMessage[] => {
    const now = deps.clock();
    const at = now.toISOString();
    const base = { createdAt: at, status: 'pending' as const, attempts: 0, nextAttemptAt: at, ticketId: t.id };
    const out: OutboxMessage[] = [];
    const canReopen = Boolean(t.answer) && now.getTime() - Date.parse(t.answer?.at ?? at) <= deps.reopenDays * 86_400_000;
    if (e.action === 'purret') {
      // A reminder is a new post in the channel (a notification people see), not a card edit.
      if (t.channel) out.push({ ...base, id: randomUUID(), kind: 'post', conversationKey: t.channel.conversationKey, activity: { type: 'message', text: ticketTexts.reminder(t, Number(e.note ?? 0)) } });
      return out;
    }
    if (e.action === 'opprettet' && t.requester.cardActivityId) {
      // The veileder's confirmation card is already shown (it replaced the form): recorded as a
      // delivered card, so later updates (retention's redacted version) can replace it.
      out.push({ ...base, id: veilederCardRowId(t), kind: 'post', card: 'veileder', conversationKey: t.requester.conversationKey, activity: {}, status: 'sent', deliveredActivityId: t.requester.cardActivityId, deliveredAt: at });
    } else if (t.requester.cardActivityId) {
      // The veileder's own card follows the ticket, as the channel card does (state, owner, answer, actions).
      out.push({ ...base, id: randomUUID(), kind: 'update', replaces: veilederCardRowId(t), conversationKey: t.requester.conversationKey, activity: { type: 'message', attachments: [card(veilederTicketCard(t, { now, canReopen }))] } });
    }
    if (t.channel?.cardMessageId) {
      // Everyone who sees a channel card is on the team; the commands still check the roster on every
      // action. refresh lets Teams ask for each member's own view as the ticket changes.
      const content = ticketCard(t, { view: 'team', now, members: deps.members(t.channel.teamId), refreshUserIds: deps.refreshUserIds(t.channel.teamId) });
      if (e.action === 'opprettet' || e.action === 'sendt-til-kanal') {
        out.push({ ...base, id: t.channel.cardMessageId, kind: 'post', card: 'channel', conversationKey: t.channel.conversationKey, activity: { type: 'message', summary: ticketTexts.channelSummary(t), attachments: [card(content)] } });
      } else {
        out.push({ ...base, id: randomUUID(), kind: 'update', replaces: t.channel.cardMessageId, conversationKey: t.channel.conversationKey, activity: { type: 'message', attachments: [card(content)] } });
      }
      if ((e.action === 'info-lagt-til' || e.action === 'gjenapnet') && e.note) {
        out.push({ ...base, id: randomUUID(), kind: 'post', threadOf: t.channel.cardMessageId, conversationKey: t.channel.conversationKey, activity: { type: 'message', text: ticketTexts.veilederReplyInThread(t, e) } });
      }
    }
    const toVeileder = e.action === 'besvart' || e.action === 'spurt' || (e.action === 'lukket' && e.actor.id !== t.requester.id);
    if (toVeileder) {
      out.push({
        ...base,
        id: randomUUID(),
        kind: 'post',
        card: 'veileder',
        conversationKey: t.requester.conversationKey,
        activity: { type: 'message', text: ticketTexts.proactiveLead(t, e, canReopen), attachments: [card(veilederTicketCard(t, { now, canReopen }))] },
      });
    }
    return out;
  };
}

/**
 * Messages that bring every card of a ticket already shown in Teams up to date with the ticket as
 * it is now (after retention deleted its text): the channel card and each card the veileder got.
 */
export function makeCardRefresher(deps: AnnouncerDeps) {
  return (t: Ticket, veilederCards: string[]): OutboxMessage[] => {
    const now = deps.clock();
    const at = now.toISOString();
    const base = { createdAt: at, status: 'pending' as const, attempts: 0, nextAttemptAt: at, ticketId: t.id, kind: 'update' as const };
    const out: OutboxMessage[] = [];
    if (t.channel?.cardMessageId) {
      const content = ticketCard(t, { view: 'team', now, members: deps.members(t.channel.teamId), refreshUserIds: deps.refreshUserIds(t.channel.teamId) });
      out.push({ ...base, id: randomUUID(), replaces: t.channel.cardMessageId, conversationKey: t.channel.conversationKey, activity: { type: 'message', attachments: [card(content)] } });
    }
    for (const replaces of veilederCards) {
      out.push({ ...base, id: randomUUID(), replaces, conversationKey: t.requester.conversationKey, activity: { type: 'message', attachments: [card(veilederTicketCard(t, { now, canReopen: false }))] } });
    }
    return out;
  };
}
