/**
 * Hostile input over HTTP: forged card actions with arbitrary data (property-based, fast-check),
 * unknown activity and invoke types, and markup in ticket text. Nothing crashes (no 5xx), nothing
 * changes that the sender may not change, and user text reaches cards as plain text.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cardOf, CHANNEL_ID, chooseChannel, fromChannel, startHarness, teamsActivity, type Harness } from '../helpers/harness.js';

const TENANT = 'tenant-fjordvik';
const CHANNEL = CHANNEL_ID;
const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const eva = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' };
const mallory = { id: '29:user-mallory', name: 'Mallory', aadObjectId: 'aad-mallory' };
const VERBS = ['ticketTake', 'ticketClose', 'ticketSaveFaq', 'ticketAnswer', 'ticketAsk', 'ticketAssign', 'ticketWithdraw', 'ticketResolve', 'ticketAddInfo', 'ticketReopen', 'ticketShow', 'ticketRefresh',
  'bookingAccept', 'bookingDecline', 'bookingPropose', 'bookingAcceptProposal', 'bookingCancel', 'bookingRequest', 'bookingFind', 'bookingMore', 'feedback', 'choose', 'none', 'ask', 'x'.repeat(300)];

describe('hostile input', function () {
  this.timeout(120_000);
  let h: Harness;
  let ticketId: string;
  const channelConv = fromChannel(TENANT);
  const base = (from: typeof kari) => ({ from, conversation: { id: 'a:personal', conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } } });
  const snapshot = async () => JSON.stringify({ t: (await h.app.store.listTickets()).map((t) => [t.id, t.version]), b: (await h.app.store.listBookings()).map((b) => [b.id, b.version]), q: (await h.app.store.listQuestions()).map((q) => [q.id, q.feedback]) });

  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: TENANT, RATE_LIMIT_PER_MINUTE: '0' });
    h.roster.push({ ...eva, userRole: 'owner' });
    await chooseChannel(h, eva, TENANT);
    const question = 'Bruker spør: <script>alert(1)</script> <img src=x onerror=alert(2)> [klikk her](https://evil.example/login) **viktig** ![](https://evil.example/pixel.png)';
    await h.post(teamsActivity(h, { ...base(kari), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'ticketCreate', data: { question, section: 'fagopplaering', consent: 'true' } } } }));
    ticketId = (await h.app.store.listTickets())[0].id;
  });
  after(async () => h?.close());

  it('shows markup in ticket text as plain text on the channel card (no link, no image, no HTML)', async () => {
    const posted = await h.waitForSent((s) => s.conversationId === CHANNEL && JSON.stringify(s.activity).includes(ticketId));
    const card = cardOf(posted)!;
    const holders: string[] = [];
    const walk = (node: unknown, parentType?: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, parentType));
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (typeof o.text === 'string' && o.text.includes('evil.example')) holders.push(String(o.type));
      for (const v of Object.values(o)) walk(v, String(o.type));
    };
    walk(card);
    assert.ok(holders.length > 0, 'the text is on the card');
    assert.deepEqual([...new Set(holders)], ['TextRun'], 'only in TextRun, which Teams shows as plain text');
    assert.ok(!JSON.stringify(card).includes('"Image"') || !JSON.stringify(card).match(/"url":"https:\/\/evil/), 'no image element from user text');
  });

  it('never fails or changes anything on forged card actions with arbitrary data (property-based)', async () => {
    const before = await snapshot();
    let runs = 0;
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...VERBS),
      fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
      fc.boolean(),
      fc.constantFrom(ticketId, 'UT-2026-0001', 'TS-2026-0001', '../../etc/passwd', '', 'UT-9999-99999999'),
      async (verb, data, inChannel, id) => {
        runs++;
        const payload = { ...data, ticketId: id, bookingId: id, version: data.version ?? 1 };
        const r = await h.post(teamsActivity(h, { ...(inChannel ? channelConv : base(mallory)), from: mallory, type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: payload } } }));
        assert.ok(r.status < 500, `${verb} ${JSON.stringify(payload).slice(0, 200)} → ${r.status}`);
      },
    ), { numRuns: 150 });
    assert.equal(await snapshot(), before, 'no ticket, booking or feedback changed');
    assert.equal(runs, 150);
    assert.ok(!h.logs.some((l) => /"level":(50|60)/.test(l)), 'no errors logged');
  });

  it('answers unknown activity and invoke types without a crash, and says nothing', async () => {
    const from = h.sent.length;
    for (const over of [
      { type: 'event', name: 'application/vnd.evil' }, { type: 'messageReaction', reactionsAdded: [{ type: 'like' }] }, { type: 'typing' },
      { type: 'endOfConversation' }, { type: 'x'.repeat(5000) }, { type: 'message', text: null }, { type: 'message', text: { nested: true } },
      { type: 'invoke', name: 'composeExtension/query', value: { commandId: 'x' } }, { type: 'invoke', name: 'signin/verifyState' }, { type: 'invoke', name: 'adaptiveCard/action', value: null },
      { type: 'conversationUpdate', membersAdded: 'not-a-list' }, { type: 'message', from: null }, { type: 'message', conversation: null },
    ]) {
      const r = await h.post(teamsActivity(h, { ...base(kari), ...over }));
      assert.ok(r.status < 500 || r.status === 501, `${JSON.stringify(over).slice(0, 80)} → ${r.status} (501 = a clear "not supported")`);
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(h.sent.slice(from).every((s) => !/Intern feil|error/i.test(JSON.stringify(s.activity))), 'no error messages sent');
  });
});
