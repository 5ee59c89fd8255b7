/**
 * The Teams seam: one `Turn` per activity, a plain interface with what the handlers (the bot, the
 * ticket and booking edges, the roster, the directory) need of an activity and its connection —
 * who acts, in which conversation, team and channel, what was sent, and how to answer, update,
 * remember the conversation and read the team's roster. `fromTurnContext` is the only place that
 * knows botbuilder's TurnContext (and TeamsInfo).
 * Moving to @microsoft/agents-hosting touches only the files that import botbuilder: this file,
 * src/bot/veiviser-bot.ts (the activity handler), src/bot/adapter.ts (the adapter, the endpoint,
 * proactive turns) and src/outbox/bot-sender.ts (the outbox's sender); nothing else.
 */
import { TeamsInfo, TurnContext } from 'botbuilder';
import type { StoredConversation, Store } from '../store/store.js';
import type { Member } from '../tickets/team-roster.js';
import { adaptiveCardAttachment, ADAPTIVE_CARD, type CardAttachment } from './cards.js';

export type ConversationType = 'personal' | 'channel' | 'groupChat';

/** A Teams user as an activity names them: the Teams id (29:…), the AAD object id, the display name. */
export interface TeamsUser {
  id?: string;
  aadObjectId?: string;
  name?: string;
}

/** A message the bot sends: plain text, or text and/or cards. */
export type OutgoingMessage = string | { text?: string; textFormat?: 'markdown' | 'plain' | 'xml'; attachments?: CardAttachment[] };

/** A person as the Teams roster tells it (TeamsInfo.getMember). */
export interface TeamsMemberInfo {
  id: string;
  aadObjectId?: string;
  name?: string;
  email?: string;
  userPrincipalName?: string;
}

/** How `rememberConversation` stores the reference. */
export interface RememberOptions {
  /** The time stamped on the record (the caller's clock). */
  at: Date;
  /** Where to store it; default: this conversation's key. */
  key?: string;
  /** The conversation id the reference names instead of this one's (a channel, or the team's General channel, by its own id). */
  conversationId?: string;
  /** Keep what is stored under the key besides the reference (the greeting mark); default: replace the record. */
  keepStored?: boolean;
  /** Mark the conversation as greeted at this time. */
  welcomedAt?: string;
  /** Keep the incoming activity's id in the reference (the bot's own records keep it; the edges' drop it). */
  withActivityId?: boolean;
}

export interface Turn {
  /** The activity's type (message, invoke, conversationUpdate, installationUpdate, …) and, for an invoke or event, its name. */
  readonly type: string;
  readonly name?: string;
  /** The text as sent (in a channel: with the <at>mention</at> of the bot). */
  readonly text?: string;
  /** A card's submit data (message) or the invoke's payload. */
  readonly value?: unknown;
  /** The activity this one answers (a Universal Action: the card clicked). */
  readonly replyToId?: string;
  /** Who acts: their Teams id, AAD object id and name. */
  readonly actor: TeamsUser;
  /** The actor as the app stores them: the AAD object id, else the Teams id, else 'ukjent'. */
  readonly actorId: string;
  /** The conversation: its id, type, and the key its reference is stored under (`<type>:<id>`). */
  readonly conversation: { id?: string; type: ConversationType; key: string };
  /** The team and channel (channel conversations and team events), from the channel data. */
  readonly team?: { id?: string; name?: string };
  readonly channel?: { id?: string; name?: string };
  /** The tenant, from the channel data or the conversation. */
  readonly tenantId?: string;
  /** The bot's own id in this conversation (the activity's recipient). */
  readonly botId?: string;
  /** Ids of the members a conversationUpdate says were added. */
  readonly membersAdded: string[];
  /** Whether the text @mentions the bot. */
  mentionsBot(): boolean;
  /** The text without the bot's @mention (as botbuilder's removeRecipientMention). */
  textWithoutBotMention(): string | undefined;
  /** Sends a message into this conversation; the id of the activity sent, when the channel gives one. */
  send(message: OutgoingMessage): Promise<string | undefined>;
  /** Sends one Adaptive Card. */
  sendCard(card: Record<string, unknown>): Promise<string | undefined>;
  /** Replaces an activity the bot sent in this conversation. */
  update(activityId: string, message: OutgoingMessage): Promise<void>;
  /** Answers an invoke with a bare status (no body). */
  respondToInvoke(status: number): Promise<void>;
  /** Stores this conversation's reference for proactive messages (see RememberOptions); the record stored before, when it was read. */
  rememberConversation(store: Pick<Store, 'getConversation' | 'saveConversation'>, o: RememberOptions): Promise<StoredConversation | undefined>;
  /** Everyone on a team, from the Teams roster (all pages), through this turn's connection. */
  teamMembers(teamId: string): Promise<Member[]>;
  /** One person from the roster of this conversation, by Teams id or AAD object id. */
  member(userId: string): Promise<TeamsMemberInfo>;
}

/** Turns the bot opens itself, from a stored conversation reference (the tab's roster reads). */
export interface ProactiveTurns {
  continueConversation(reference: Record<string, unknown>, logic: (turn: Turn) => Promise<void>): Promise<void>;
}

/** What a card action comes to: a card that replaces the one clicked, or a message with a status. */
export type ActionResult = { card?: Record<string, unknown>; message?: string; status?: number };

/** A Universal Action's (adaptiveCard/action) invoke response for a card action's result. */
export function universalActionResponse(result: ActionResult): { statusCode: number; type: string; value: unknown } {
  if (result.card) return { statusCode: 200, type: ADAPTIVE_CARD, value: result.card };
  return { statusCode: result.status ?? 200, type: 'application/vnd.microsoft.activity.message', value: result.message ?? '' };
}

/** The Turn for the activity a TurnContext carries. */
export function fromTurnContext(ctx: TurnContext): Turn {
  const a = ctx.activity;
  const cd = a.channelData as { team?: { id?: string; name?: string }; channel?: { id?: string; name?: string }; tenant?: { id?: string } } | undefined;
  const type = (a.conversation?.conversationType ?? 'personal') as ConversationType;
  const from = a.from as TeamsUser | undefined;
  const actor: TeamsUser = { id: from?.id, aadObjectId: from?.aadObjectId, name: from?.name };
  /** The reference to this conversation as stored (plain JSON). */
  const reference = (o: Pick<RememberOptions, 'conversationId' | 'withActivityId'> = {}): Record<string, unknown> => {
    const ref = TurnContext.getConversationReference(a);
    const r = { ...ref, ...(o.withActivityId ? {} : { activityId: undefined }), ...(o.conversationId !== undefined ? { conversation: { ...ref.conversation, id: o.conversationId } } : {}) };
    return JSON.parse(JSON.stringify(r)) as Record<string, unknown>;
  };
  const send = async (message: OutgoingMessage): Promise<string | undefined> => (await ctx.sendActivity(message))?.id;
  const conversation = { id: a.conversation?.id, type, key: `${type}:${a.conversation?.id}` };
  return {
    type: a.type,
    name: a.name,
    text: a.text,
    value: a.value,
    replyToId: a.replyToId,
    actor,
    actorId: actor.aadObjectId ?? actor.id ?? 'ukjent',
    conversation,
    team: cd?.team,
    channel: cd?.channel,
    tenantId: cd?.tenant?.id ?? a.conversation?.tenantId ?? undefined,
    botId: a.recipient?.id,
    membersAdded: (a.membersAdded ?? []).map((m) => m.id),
    mentionsBot: () => TurnContext.getMentions(a).some((m) => m.mentioned?.id === a.recipient?.id),
    textWithoutBotMention: () => TurnContext.removeRecipientMention(a),
    send,
    sendCard: (card) => send({ attachments: [adaptiveCardAttachment(card)] }),
    async update(activityId, message) {
      await ctx.updateActivity({ ...(typeof message === 'string' ? { text: message } : message), type: 'message', id: activityId });
    },
    async respondToInvoke(status) {
      await ctx.sendActivity({ type: 'invokeResponse', value: { status } });
    },
    async rememberConversation(store, o) {
      const key = o.key ?? conversation.key;
      const known = o.keepStored ? await store.getConversation(key) : undefined;
      await store.saveConversation({
        ...known, key, reference: reference(o), updatedAt: o.at.toISOString(), ...(o.welcomedAt ? { welcomedAt: o.welcomedAt } : {}),
      });
      return known;
    },
    async teamMembers(teamId) {
      const members: Member[] = [];
      let token: string | undefined;
      for (let page = 0; page < 100; page++) {
        const r = await TeamsInfo.getPagedTeamMembers(ctx, teamId, 200, token);
        for (const m of r.members ?? []) members.push({ id: m.id, aadObjectId: m.aadObjectId, name: m.name ?? m.givenName ?? 'Ukjent', userRole: (m as { userRole?: string }).userRole });
        token = r.continuationToken ?? undefined;
        if (!token) break;
      }
      return members;
    },
    async member(userId) {
      const m = await TeamsInfo.getMember(ctx, userId);
      return { id: m.id, aadObjectId: m.aadObjectId, name: m.name, email: m.email, userPrincipalName: m.userPrincipalName };
    },
  };
}
