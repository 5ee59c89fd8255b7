import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cardOf, startHarness, teamsActivity, type Harness } from '../helpers/harness.js';
import { validIdentityNumber } from '../helpers/identity.js';
import { FEATURES } from '../../src/faq/decision-model.js';

const json = (x: unknown): string => JSON.stringify(x);

describe('conversations over HTTP (Teams-shaped activities, loopback Bot Connector)', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: 'tenant-fjordvik' });
  });
  after(async () => h?.close());

  async function ask(text: string, over: Record<string, unknown> = {}) {
    const from = h.sent.length;
    const res = await h.post(teamsActivity(h, { text, ...over }));
    assert.equal(res.status, 200);
    const replies = await h.waitForReplies(from);
    return replies[0];
  }

  it('greets with a welcome card when installed in personal chat', async () => {
    const from = h.sent.length;
    const res = await h.post(teamsActivity(h, { type: 'conversationUpdate', membersAdded: [{ id: '28:veiviser-bot' }, { id: '29:user-kari' }] }));
    assert.equal(res.status, 200);
    const [reply] = await h.waitForReplies(from);
    const card = json(cardOf(reply));
    assert.match(card, /Hei! Jeg er Veiviser/);
    assert.match(card, /Svarene er generelle/);
    assert.match(card, /Kontakt servicetorget/);
    assert.ok(await h.app.store.getConversation('personal:a:personal-kari'));
    // A client re-sending "bot added" (the playground does on every page load) is not greeted twice.
    const again = h.sent.length;
    await h.post(teamsActivity(h, { type: 'conversationUpdate', membersAdded: [{ id: '28:veiviser-bot' }] }));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.sent.length, again);
  });

  it('answers a question with the section, an excerpt, a "Les mer" link to page and anchor, the date and a general-answer line', async () => {
    const reply = await ask('hvordan blir man praksiskandidat?');
    const card = cardOf(reply);
    assert.ok(card, 'expected an answer card');
    const s = json(card);
    assert.match(s, /Les mer/);
    assert.match(s, /\/fagopplaering\/praksiskandidat/);
    assert.match(s, /sist oppdatert/i);
    assert.match(s, /Svaret er generelt/);
    assert.match(s, /Nyttig/);
    const q = (await h.app.store.listQuestions()).at(-1);
    assert.equal(q?.outcome, 'answer');
    assert.equal(q?.text, undefined, 'answered questions keep no text');
  });

  it('«Mente du …?» offers three pages with one line each; «Ingen av disse» leads on to the ticket form with the question, and both choices are kept as labels', async () => {
    type Action = { type: string; verb?: string; title?: string; data?: Record<string, unknown> };
    const invoke = async (verb: string, data: Record<string, unknown>) => {
      const res = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-1', value: { action: { type: 'Action.Execute', verb, data } } }));
      assert.equal(res.status, 200);
      return (res.body as { value: Record<string, unknown> }).value;
    };
    const question = 'sok vgs voksen hvor og hvordan';
    const clarify = cardOf(await ask(question))!;
    const s = json(clarify);
    assert.match(s, /Mente du/);
    const actions = clarify.actions as Action[];
    const choose = actions.filter((a) => a.verb === 'choose');
    assert.equal(choose.length, 3, 'three candidates');
    assert.deepEqual(choose.map((a) => a.data?.rank), [0, 1, 2]);
    const none = actions.find((a) => a.verb === 'none')!;
    assert.equal(none.title, 'Ingen av disse');
    // Each candidate: its heading and the page, and one line of what it says.
    const items = ((clarify.body as { items?: { items?: { text: string; isSubtle?: boolean }[] }[] }[])[2].items ?? []);
    assert.equal(items.length, 3);
    for (const it of items) {
      assert.match(it.items![0].text, /^\*\*.+\*\* \(.+\)$/);
      assert.ok(it.items![1]?.isSubtle && it.items![1].text.length > 10, 'one line under each candidate');
    }
    const q = (await h.app.store.listQuestions()).at(-1)!;
    assert.equal(q.outcome, 'clarify');
    assert.equal(q.decision?.features.length, FEATURES.length, 'the decision\'s numbers are kept with the question');
    assert.ok(q.decision!.p3 >= q.decision!.p1);

    // «Ingen av disse» → the "no good answer" card with the question, then the ticket form with it filled in.
    const escalate = await invoke('none', none.data!);
    assert.match(json(escalate), /fant ikke noe godt svar/);
    assert.deepEqual((await h.app.store.getQuestion(q.id))?.choice?.rank, -1);
    const toTeam = (escalate.actions as Action[]).find((a) => a.verb === 'ticketForm')!;
    assert.equal(toTeam.data?.question, question);
    const form = await invoke('ticketForm', toTeam.data!);
    assert.match(json(form), new RegExp(question));

    // Choosing a candidate instead: the answer card, and the rank kept.
    const again = cardOf(await ask(question))!;
    const second = (again.actions as Action[]).filter((a) => a.verb === 'choose')[1];
    const answer = await invoke('choose', second.data!);
    assert.match(json(answer), /Les mer/);
    const q2 = (await h.app.store.listQuestions()).at(-1)!;
    assert.equal(q2.choice?.rank, 1);
  });

  it('shows the help card on "hjelp", and on "test" (someone checking that the bot works)', async () => {
    const card = json(cardOf(await ask('hjelp')));
    assert.match(card, /Dette kan Veiviser hjelpe med/);
    assert.match(json(cardOf(await ask('test'))), /Dette kan Veiviser hjelpe med/);
  });

  it('says plainly when it has no good answer, and points to a human', async () => {
    const card = json(cardOf(await ask('når er lunsjpausen på Dalheim vgs?')));
    assert.match(card, /fant ikke noe godt svar/i);
    assert.match(card, /om-oss\/kontakt/);
    const q = (await h.app.store.listQuestions()).at(-1);
    assert.equal(q?.outcome, 'escalate');
    assert.match(q?.text ?? '', /lunsjpausen/);
  });

  it("says that one bruker's own case is for the education team, not the website, and offers to send it", async () => {
    const card = cardOf(await ask('har bruker fått svar på søknaden om realkompetansevurdering?'))!;
    const text = json(card);
    assert.match(text, /Dette gjelder en bestemt brukers sak/);
    assert.match(text, /ikke på hvordan det står til med én brukers søknad/);
    assert.ok((card.actions as { verb?: string }[]).some((a) => a.verb === 'ticketForm'), 'the card offers «Send til utdanningsteamet»');
    const q = (await h.app.store.listQuestions()).at(-1);
    assert.equal(q?.outcome, 'escalate');
  });

  it("sends NAV's own benefit questions to NAV's routines instead of answering", async () => {
    const card = json(cardOf(await ask('kan bruker beholde AAP mens hun tar fagbrev?')));
    assert.match(card, /NAV-spørsmål/);
    assert.match(card, /NAVs egne rutiner/);
  });

  it('refuses a message holding a national identity number, and neither stores, logs nor echoes it', async () => {
    const fnr = validIdentityNumber('240588');
    const spaced = `${fnr.slice(0, 6)} ${fnr.slice(6)}`;
    const questionsBefore = (await h.app.store.listQuestions()).length;
    const reply = await ask(`bruker ${spaced} vil ta fagbrev, hva gjør vi?`);
    assert.match(String(reply.activity.text), /fødselsnummer/);
    assert.ok(!json(reply.activity).includes(fnr.slice(6)));
    assert.equal((await h.app.store.listQuestions()).length, questionsBefore);
    // Every file in the data directory, the monthly question logs in their folder included.
    for (const f of readdirSync(h.dataDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())) {
      const path = join(f.parentPath, f.name);
      assert.ok(!readFileSync(path, 'utf8').includes(fnr.slice(6)), `${path} holds the number`);
    }
    assert.ok(!h.logs.join('').includes(fnr.slice(6)), 'the log holds the number');
  });

  it('refuses an over-long message with a clear explanation', async () => {
    const reply = await ask('fagbrev '.repeat(400));
    assert.match(String(reply.activity.text), /for lang/);
  });

  it('in a channel answers only when @mentioned, with the mention stripped', async () => {
    const channel = { conversation: { id: '19:kanal@thread.tacv2;messageid=1', conversationType: 'channel', tenantId: 'tenant-fjordvik' } };
    const from = h.sent.length;
    await h.post(teamsActivity(h, { text: 'hva er realkompetansevurdering', ...channel }));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(h.sent.length, from, 'no answer without a mention');
    const reply = await ask('<at>Veiviser</at> hva er realkompetansevurdering', {
      ...channel,
      entities: [{ type: 'mention', text: '<at>Veiviser</at>', mentioned: { id: '28:veiviser-bot', name: 'Veiviser' } }],
    });
    assert.equal(reply.conversationId, '19:kanal@thread.tacv2;messageid=1');
    assert.match(json(cardOf(reply)), /realkompetansevurdering/i);
  });

  it('gives no answer to another tenant, and logs it', async () => {
    const from = h.sent.length;
    const res = await h.post(teamsActivity(h, { text: 'hva er fagbrev', channelData: { tenant: { id: 'tenant-other' } }, conversation: { id: 'a:x', conversationType: 'personal', tenantId: 'tenant-other' } }));
    assert.equal(res.status, 200);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(h.sent.length, from);
    assert.ok(h.logs.some((l) => l.includes('tenant_rejected')));
  });

  it('stores "Nyttig" feedback from the asker and replaces the buttons with thanks', async () => {
    await ask('hvordan blir man praksiskandidat?');
    const q = (await h.app.store.listQuestions()).at(-1);
    assert.ok(q);
    const res = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'feedback', data: { questionId: q.id, sectionId: q.topSectionId, helpful: true } } } }));
    assert.equal(res.status, 200);
    const body = res.body as { statusCode: number; type: string; value: unknown };
    assert.equal(body.statusCode, 200);
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(json(body.value), /Takk for tilbakemeldingen/);
    assert.doesNotMatch(json(body.value), /"verb":"feedback"/);
    assert.equal((await h.app.store.getQuestion(q.id))?.feedback?.helpful, true);
  });

  it('"Ikke nyttig" keeps the card as it was, adds the next step (not styled as an error), and carries the question into the ticket form', async () => {
    type Block = { type: string; text?: string; color?: string; actions?: { verb?: string; data?: Record<string, unknown> }[] };
    const question = 'hvordan blir man praksiskandidat?';
    const answer = cardOf(await ask(question))!;
    const q = (await h.app.store.listQuestions()).at(-1);
    assert.ok(q);
    const body = answer.body as Block[];
    const notHelpful = body.find((b) => b.type === 'ActionSet')!.actions!.find((a) => a.verb === 'feedback' && a.data?.helpful === false)!;
    const res = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'feedback', data: notHelpful.data } } }));
    const after = (res.body as { value: Record<string, unknown> }).value;
    const texts = (b: Record<string, unknown>) => (b.body as Block[]).filter((x) => x.type === 'TextBlock').map((x) => x.text);
    // The same heading and excerpt as before; the next step added below.
    assert.deepEqual(texts(after).slice(0, 3), texts(answer).slice(0, 3));
    const next = (after.body as Block[]).find((b) => /spør teamet/.test(b.text ?? ''))!;
    assert.equal(next.color, undefined, 'the next step is not red');
    assert.match(json(after), /servicetorg/);
    assert.equal((await h.app.store.getQuestion(q.id))?.feedback?.helpful, false);
    // «Send til utdanningsteamet» opens the form with the question filled in.
    const toTeam = (after.actions as { verb?: string; data?: Record<string, unknown> }[]).find((a) => a.verb === 'ticketForm')!;
    assert.equal(toTeam.data?.question, question);
    const form = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'ticketForm', data: toTeam.data } } }));
    assert.match(json((form.body as { value: unknown }).value), new RegExp(question));
  });

  it('refuses forged card actions: another user, unknown verb, malformed data — and changes nothing', async () => {
    await ask('hva koster privatisteksamen');
    const q = (await h.app.store.listQuestions()).at(-1);
    assert.ok(q);
    const forged = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', from: { id: '29:mallory', aadObjectId: 'aad-mallory' }, value: { action: { type: 'Action.Execute', verb: 'feedback', data: { questionId: q.id, helpful: false } } } }));
    assert.equal((forged.body as { statusCode: number }).statusCode, 403);
    const bad = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'feedback', data: { questionId: q.id, helpful: 'ja', extra: '<script>' } } } }));
    assert.equal((bad.body as { statusCode: number }).statusCode, 400);
    const unknown = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'deleteEverything', data: {} } } }));
    assert.equal((unknown.body as { statusCode: number }).statusCode, 400);
    assert.equal((await h.app.store.getQuestion(q.id))?.feedback, undefined);
  });

  it('answers malformed requests with a clear 400, and /healthz with ok', async () => {
    const broken = await fetch(`${h.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "message", ' });
    assert.equal(broken.status, 400);
    assert.match(await broken.text(), /gyldig JSON/);
    const noType = await h.post({ text: 'hei' });
    assert.equal(noType.status, 400);
    const huge = await fetch(`${h.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'x'.repeat(400_000) }) });
    assert.equal(huge.status, 413);
    const health = await fetch(`${h.app.url}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok', index: 'ready' });
  });
});
