/**
 * The Teams seam (src/bot/turn.ts): fromTurnContext builds the Turn the handlers see from a
 * botbuilder TurnContext — a personal chat, a channel message with team info, a Universal Action
 * invoke — and "remember the conversation" stores the very reference the handlers stored before
 * the seam (computed here the old way, with TurnContext.getConversationReference).
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { BotAdapter, TeamsInfo, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { StoredConversation } from '../../src/store/store.js';
import { fromTurnContext, universalActionResponse } from '../../src/bot/turn.js';

/** An adapter that records what the turn sends and updates. */
class RecordingAdapter extends BotAdapter {
  sent: Partial<Activity>[] = [];
  updated: Partial<Activity>[] = [];
  async sendActivities(_ctx: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    this.sent.push(...activities);
    return activities.map((_, i) => ({ id: `sent-${this.sent.length - activities.length + i + 1}` }));
  }
  async updateActivity(_ctx: TurnContext, activity: Partial<Activity>): Promise<void> {
    this.updated.push(activity);
  }
  async deleteActivity(): Promise<void> {}
  async continueConversation(_ref: Partial<ConversationReference>, _logic: (ctx: TurnContext) => Promise<void>): Promise<void> {}
}

/** A conversation store in memory. */
function memoryStore(initial: StoredConversation[] = []) {
  const rows = new Map(initial.map((c) => [c.key, c]));
  return {
    rows,
    async getConversation(key: string) {
      return rows.get(key);
    },
    async saveConversation(c: StoredConversation) {
      rows.set(c.key, c);
    },
  };
}

const bot = { id: '28:veiviser-bot', name: 'Veiviser' };
const kari = { id: '29:user-kari', aadObjectId: 'aad-kari', name: 'Kari Veileder' };
const base = { channelId: 'msteams', serviceUrl: 'https://smba.example/', recipient: bot, from: kari, locale: 'nb-NO' };

function personal(over: Partial<Activity> = {}): Partial<Activity> {
  return {
    ...base, type: 'message', id: 'act-1', text: 'hei',
    conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: 'tenant-fjordvik', isGroup: false, name: '' },
    channelData: { tenant: { id: 'tenant-fjordvik' } },
    ...over,
  };
}

const CHANNEL_CONV = '19:saker@thread.tacv2;messageid=1700000000000';
function channelMessage(): Partial<Activity> {
  return {
    ...base, type: 'message', id: 'act-2', text: '<at>Veiviser</at> agenda',
    conversation: { id: CHANNEL_CONV, conversationType: 'channel', tenantId: 'tenant-fjordvik', isGroup: true, name: '' },
    channelData: { tenant: { id: 'tenant-fjordvik' }, team: { id: '19:team-general@thread.tacv2', name: 'Utdanningsteamet' }, channel: { id: '19:saker@thread.tacv2', name: 'Saker' } },
    entities: [{ type: 'mention', mentioned: bot, text: '<at>Veiviser</at>' }],
  };
}

function invoke(): Partial<Activity> {
  return {
    ...base, type: 'invoke', name: 'adaptiveCard/action', id: 'act-3', replyToId: 'card-activity-7',
    conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: 'tenant-fjordvik', isGroup: false, name: '' },
    channelData: { tenant: { id: 'tenant-fjordvik' } },
    value: { action: { type: 'Action.Execute', verb: 'ticketShow', data: { ticketId: 'UT-2025-0001' } } },
  };
}

const contextOf = (activity: Partial<Activity>) => {
  const adapter = new RecordingAdapter();
  return { adapter, ctx: new TurnContext(adapter, activity) };
};

describe('the Teams seam: fromTurnContext', () => {
  afterEach(() => sinon.restore());

  it('builds the Turn of a personal chat message: actor, conversation, tenant, text; sends text and cards', async () => {
    const { adapter, ctx } = contextOf(personal());
    const turn = fromTurnContext(ctx);
    assert.equal(turn.type, 'message');
    assert.equal(turn.text, 'hei');
    assert.deepEqual(turn.actor, kari);
    assert.equal(turn.actorId, 'aad-kari');
    assert.deepEqual(turn.conversation, { id: 'a:personal-kari', type: 'personal', key: 'personal:a:personal-kari' });
    assert.equal(turn.tenantId, 'tenant-fjordvik');
    assert.equal(turn.team, undefined);
    assert.equal(turn.channel, undefined);
    assert.equal(turn.botId, bot.id);
    assert.equal(turn.mentionsBot(), false);

    assert.equal(await turn.send('Hei!'), 'sent-1');
    await turn.sendCard({ type: 'AdaptiveCard', version: '1.5', body: [] });
    await turn.send({ text: '**agenda**', textFormat: 'markdown' });
    await turn.update('sent-1', 'Endret');
    assert.equal(adapter.sent[0].text, 'Hei!');
    assert.deepEqual(adapter.sent[1].attachments, [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [] } }]);
    assert.equal(adapter.sent[2].textFormat, 'markdown');
    assert.equal(adapter.updated[0].id, 'sent-1');
    assert.equal(adapter.updated[0].text, 'Endret');
  });

  it('falls back to the Teams id, and to "ukjent", for the actor id; the tenant from the conversation', () => {
    const noAad = fromTurnContext(contextOf(personal({ from: { id: '29:user-ola', name: 'Ola' }, channelData: {} })).ctx);
    assert.equal(noAad.actorId, '29:user-ola');
    assert.equal(noAad.tenantId, 'tenant-fjordvik');
    const nobody = fromTurnContext(contextOf(personal({ from: undefined, conversation: { id: 'x', isGroup: false, name: '' } as Activity['conversation'], channelData: {} })).ctx);
    assert.equal(nobody.actorId, 'ukjent');
    assert.equal(nobody.conversation.type, 'personal');
    assert.equal(nobody.conversation.key, 'personal:x');
    assert.equal(nobody.tenantId, undefined);
  });

  it('builds the Turn of a channel message with team info: team, channel, the mention, the roster', async () => {
    const { ctx } = contextOf(channelMessage());
    const turn = fromTurnContext(ctx);
    assert.deepEqual(turn.conversation, { id: CHANNEL_CONV, type: 'channel', key: `channel:${CHANNEL_CONV}` });
    assert.deepEqual(turn.team, { id: '19:team-general@thread.tacv2', name: 'Utdanningsteamet' });
    assert.deepEqual(turn.channel, { id: '19:saker@thread.tacv2', name: 'Saker' });
    assert.equal(turn.mentionsBot(), true);
    assert.equal(turn.text, '<at>Veiviser</at> agenda');
    assert.equal(turn.textWithoutBotMention(), 'agenda');

    // The roster: every page, with the names and roles as the ticket flow reads them.
    const paged = sinon.stub(TeamsInfo, 'getPagedTeamMembers');
    paged.onFirstCall().resolves({ members: [{ id: '29:ola', aadObjectId: 'aad-ola', name: 'Ola', userRole: 'owner' } as never], continuationToken: 'next' });
    paged.onSecondCall().resolves({ members: [{ id: '29:siri', aadObjectId: 'aad-siri', givenName: 'Siri' } as never, { id: '29:x' } as never], continuationToken: undefined as never });
    assert.deepEqual(await turn.teamMembers('19:team-general@thread.tacv2'), [
      { id: '29:ola', aadObjectId: 'aad-ola', name: 'Ola', userRole: 'owner' },
      { id: '29:siri', aadObjectId: 'aad-siri', name: 'Siri', userRole: undefined },
      { id: '29:x', aadObjectId: undefined, name: 'Ukjent', userRole: undefined },
    ]);
    assert.equal(paged.firstCall.args[1], '19:team-general@thread.tacv2');
    assert.equal(paged.firstCall.args[2], 200);
    assert.equal(paged.secondCall.args[3], 'next');

    const getMember = sinon.stub(TeamsInfo, 'getMember').resolves({ id: '29:user-kari', name: 'Kari', email: 'kari@nav.no', userPrincipalName: 'kari@nav.no' } as never);
    assert.equal((await turn.member('29:user-kari')).email, 'kari@nav.no');
    assert.equal(getMember.firstCall.args[1], '29:user-kari');
  });

  it('builds the Turn of a Universal Action invoke: name, value, replyToId; answers it with a status or an invoke response', async () => {
    const { adapter, ctx } = contextOf(invoke());
    const turn = fromTurnContext(ctx);
    assert.equal(turn.type, 'invoke');
    assert.equal(turn.name, 'adaptiveCard/action');
    assert.equal(turn.replyToId, 'card-activity-7');
    assert.deepEqual(turn.value, { action: { type: 'Action.Execute', verb: 'ticketShow', data: { ticketId: 'UT-2025-0001' } } });
    await turn.respondToInvoke(403);
    assert.equal(adapter.sent[0].type, 'invokeResponse');
    assert.deepEqual(adapter.sent[0].value, { status: 403 });
    assert.deepEqual(universalActionResponse({ card: { type: 'AdaptiveCard' } }), { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard' } });
    assert.deepEqual(universalActionResponse({ message: 'Nei.', status: 403 }), { statusCode: 403, type: 'application/vnd.microsoft.activity.message', value: 'Nei.' });
    assert.deepEqual(universalActionResponse({}), { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: '' });
  });
});

describe('the Teams seam: remembering the conversation stores the same reference as before', () => {
  const at = new Date('2025-03-04T10:00:00.000Z');
  /** The reference as the handlers built it before the seam. */
  const oldRef = (a: Partial<Activity>, over: Record<string, unknown> = {}) => JSON.parse(JSON.stringify({ ...TurnContext.getConversationReference(a), ...over }));

  it('the bot on install: the full reference (with the activity id) under the conversation key, keeping the greeting mark', async () => {
    const a = personal({ type: 'installationUpdate' });
    const store = memoryStore([{ key: 'personal:a:personal-kari', reference: {}, updatedAt: 'before', welcomedAt: '2025-01-01T00:00:00.000Z' }]);
    await fromTurnContext(contextOf(a).ctx).rememberConversation(store, { keepStored: true, withActivityId: true, at });
    const stored = store.rows.get('personal:a:personal-kari');
    assert.deepEqual(stored, { key: 'personal:a:personal-kari', reference: oldRef(a), updatedAt: at.toISOString(), welcomedAt: '2025-01-01T00:00:00.000Z' });
    assert.equal((stored?.reference as { activityId?: string }).activityId, 'act-1');
  });

  it('the bot on greeting: the full reference, marked as greeted, replacing what was stored', async () => {
    const a = personal({ type: 'conversationUpdate' });
    const store = memoryStore([{ key: 'personal:a:personal-kari', reference: { old: true }, updatedAt: 'before' }]);
    await fromTurnContext(contextOf(a).ctx).rememberConversation(store, { withActivityId: true, at, welcomedAt: '2025-03-04T10:00:00.001Z' });
    assert.deepEqual(store.rows.get('personal:a:personal-kari'), { key: 'personal:a:personal-kari', reference: oldRef(a), updatedAt: at.toISOString(), welcomedAt: '2025-03-04T10:00:00.001Z' });
  });

  it('a ticket or a booking request: the reference without the activity id, keeping what was stored', async () => {
    const a = invoke();
    const store = memoryStore([{ key: 'personal:a:personal-kari', reference: {}, updatedAt: 'before', welcomedAt: 'w' }]);
    const turn = fromTurnContext(contextOf(a).ctx);
    const known = await turn.rememberConversation(store, { key: turn.conversation.key, keepStored: true, at });
    assert.equal(known?.welcomedAt, 'w');
    assert.deepEqual(store.rows.get('personal:a:personal-kari'), { key: 'personal:a:personal-kari', reference: oldRef(a, { activityId: undefined }), updatedAt: at.toISOString(), welcomedAt: 'w' });
    assert.equal('activityId' in (store.rows.get('personal:a:personal-kari')?.reference ?? {}), false);
  });

  it('an escalation channel (install default, "bruk denne kanalen"): under channel:<id>, the reference naming the channel itself, replacing what was stored', async () => {
    const a = channelMessage();
    const store = memoryStore([{ key: 'channel:19:saker@thread.tacv2', reference: {}, updatedAt: 'before', welcomedAt: 'w' }]);
    await fromTurnContext(contextOf(a).ctx).rememberConversation(store, { key: 'channel:19:saker@thread.tacv2', conversationId: '19:saker@thread.tacv2', at });
    const ref = TurnContext.getConversationReference(a);
    assert.deepEqual(store.rows.get('channel:19:saker@thread.tacv2'), {
      key: 'channel:19:saker@thread.tacv2',
      reference: oldRef(a, { activityId: undefined, conversation: { ...ref.conversation, id: '19:saker@thread.tacv2' } }),
      updatedAt: at.toISOString(),
    });
  });

  it('a counsellor\'s link: under the counsellor key, the reference without the activity id', async () => {
    const a = personal();
    const store = memoryStore();
    await fromTurnContext(contextOf(a).ctx).rememberConversation(store, { key: 'counsellor:ola@fjordvik.no', at });
    assert.deepEqual(store.rows.get('counsellor:ola@fjordvik.no'), { key: 'counsellor:ola@fjordvik.no', reference: oldRef(a, { activityId: undefined }), updatedAt: at.toISOString() });
  });
});
