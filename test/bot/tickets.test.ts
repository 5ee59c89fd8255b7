import assert from 'node:assert/strict';
import { cardOf, CHANNEL_ID, fromChannel, MENTION, startHarness, teamsActivity, type Harness, type Sent } from '../helpers/harness.js';
import { validIdentityNumber } from '../helpers/identity.js';

const json = (x: unknown): string => JSON.stringify(x);
/** The values of the card's inputs with these ids (as strings). */
function inputValues(card: unknown, ids: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string' && ids.includes(o.id) && o.value !== undefined) out[o.id] = String(o.value);
    Object.entries(o).forEach(([k, v]) => k !== 'fallback' && walk(v));
  };
  walk(card);
  return out;
}
const CHANNEL = CHANNEL_ID;
const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const ola = { id: '29:user-ola', name: 'Ola Rådgiver', aadObjectId: 'aad-ola' };
const siri = { id: '29:user-siri', name: 'Siri Rådgiver', aadObjectId: 'aad-siri' };
const eva = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' };
const mallory = { id: '29:user-mallory', name: 'Mallory', aadObjectId: 'aad-mallory' };

describe('tickets over HTTP: escalation to the education team channel and back', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: 'tenant-fjordvik', TEAM_ADMIN_IDS: 'aad-admin' });
    h.roster.push({ ...ola, userRole: 'user' }, { ...siri, userRole: 'user' }, { ...eva, userRole: 'owner' });
  });
  after(async () => h?.close());

  const channelConv = fromChannel('tenant-fjordvik');
  const mention = MENTION;
  const invoke = (from: typeof kari, verb: string, data: Record<string, unknown>, inChannel = false) =>
    h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', from, ...(inChannel ? channelConv : {}), value: { action: { type: 'Action.Execute', verb, data } } }));
  const body = (r: { body: unknown }) => r.body as { statusCode: number; type: string; value: unknown };
  const waitFor = (pred: (s: Sent) => boolean, ms = 5000, from = 0): Promise<Sent> => h.waitForSent(pred, from, ms);

  it('lets only a team owner or an admin choose the escalation channel', async () => {
    const from = h.sent.length;
    await h.post(teamsActivity(h, { ...channelConv, ...mention, from: siri, text: '<at>Veiviser</at> bruk denne kanalen for fagopplæring' }));
    const refusal = await waitFor((x) => x.method === 'POST' && x.conversationId.startsWith(CHANNEL) && typeof x.activity.text === 'string', 5000, from);
    assert.match(String(refusal.activity.text), /Bare en eier/);
    assert.equal((await h.app.store.listEscalationChannels()).length, 0);
    const from2 = h.sent.length;
    await h.post(teamsActivity(h, { ...channelConv, ...mention, from: eva, text: '<at>Veiviser</at> bruk denne kanalen for fagopplæring' }));
    const ok = await waitFor((x) => x.method === 'POST' && x.conversationId.startsWith(CHANNEL) && typeof x.activity.text === 'string', 5000, from2);
    assert.match(String(ok.activity.text), /får nå saker.*fagopplæring/);
    const [channel] = await h.app.store.listEscalationChannels();
    assert.deepEqual(channel.sections, ['fagopplaering']);
  });

  it('"spør teamet" opens the form prefilled; it does not submit without consent', async () => {
    const from = h.sent.length;
    await h.post(teamsActivity(h, { from: kari, text: 'spør teamet Kan bruker (34) ta fagbrev på jobb uten læreplass?' }));
    const form = await waitFor((x) => x.conversationId === 'a:personal-kari' && Boolean(x.activity.replyToId), 5000, from);
    const card = json(cardOf(form));
    assert.match(card, /Kan bruker \(34\) ta fagbrev på jobb uten læreplass\?/);
    assert.match(card, /samtykket/);
    const filled = { question: 'Kan bruker ta fagbrev på jobb?', section: 'fagopplaering', ageBand: '25+', grunnskole: 'utlandet', upperSecondary: 'delvis', norwegianLevel: 'B1', navMeasure: 'opplæringstiltak', deadline: '2027-01-15', office: 'NAV Fjordvik' };
    const r = await invoke(kari, 'ticketCreate', { ...filled, consent: 'false' });
    assert.match(json(body(r).value), /samtykket/);
    assert.equal((await h.app.store.listTickets()).length, 0);
    // Everything already filled in is still filled in; only the consent is left to give.
    assert.deepEqual(inputValues(body(r).value, Object.keys(filled)), filled);
    assert.equal(inputValues(body(r).value, ['consent']).consent, 'false');
  });

  it('refuses an identity number in the form and keeps nothing of it', async () => {
    const fnr = validIdentityNumber('011080');
    const rest = { section: 'fagopplaering', ageBand: '19-24', grunnskole: 'ja', upperSecondary: 'ingen', norwegianLevel: 'A2', navMeasure: 'opplæringstiltak', office: 'NAV Fjordvik', consent: 'true' };
    const r = await invoke(kari, 'ticketCreate', { question: `Bruker ${fnr} vil ta fagbrev`, ...rest });
    const card = json(body(r).value);
    assert.match(card, /«Spørsmålet» ser ut til å inneholde et fødselsnummer eller D-nummer/);
    assert.ok(!card.includes(fnr), 'the number is not shown again (Teams keeps the card in the chat)');
    assert.equal((await h.app.store.listTickets()).length, 0);
    assert.ok(!h.logs.join('').includes(fnr));
    // The question comes back masked; age band, school levels and the rest as they were.
    assert.deepEqual(inputValues(body(r).value, ['question', ...Object.keys(rest)]), { question: 'Bruker [fødselsnummer fjernet] vil ta fagbrev', ...rest });
  });

  it('creates a ticket, posts its card in the routed channel, and confirms to the veileder', async () => {
    // The form is the message 'form-kari-1' in Kari's chat: the confirmation replaces it there.
    const data = { question: 'Bruker har jobbet 8 år som assistent i barnehage. Fagbrev på jobb eller praksiskandidat?', section: 'fagopplaering', ageBand: '25+', grunnskole: 'ja', upperSecondary: 'delvis', norwegianLevel: 'B2', office: 'NAV Fjordvik', consent: 'true' };
    const r = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', from: kari, replyToId: 'form-kari-1', value: { action: { type: 'Action.Execute', verb: 'ticketCreate', data } } }));
    const confirm = json(body(r).value);
    assert.match(confirm, /UT-\d{4}-0001/);
    assert.equal(confirm.match(/sendt til utdanningsteamet/g)?.length, 1, 'said once');
    const [t] = await h.app.store.listTickets();
    assert.equal(t.state, 'ny');
    assert.equal(t.channel?.conversationKey, `channel:${CHANNEL}`);
    const posted = await waitFor((s) => s.conversationId === CHANNEL && s.method === 'POST' && json(s.activity).includes(t.id));
    assert.match(json(posted.activity), /Ta saken/);
    assert.match(json(posted.activity), /NAV Fjordvik/);
    assert.match(json(posted.activity), /barnehage/);
    assert.equal((await h.app.store.getVeilederProfile((await import('../../src/bot/ticket-edge.js')).userHash('aad-kari')))?.office, 'NAV Fjordvik');
    // The office is remembered: later questions are counted for it (statistics by office).
    const before = (await h.app.store.listQuestions()).length;
    await h.post(teamsActivity(h, { from: kari, text: 'hva koster privatisteksamen?' }));
    const q = (await h.app.store.listQuestions())[before];
    assert.equal(q?.office, 'NAV Fjordvik');
  });

  it('a team member takes the ticket; the channel card is updated in place', async () => {
    const [t] = await h.app.store.listTickets();
    const r = await invoke(ola, 'ticketTake', { ticketId: t.id, version: t.version }, true);
    assert.equal(body(r).statusCode, 200);
    assert.match(json(body(r).value), /Ola Rådgiver/);
    const after = await h.app.store.getTicket(t.id);
    assert.equal(after?.state, 'tatt');
    const update = await waitFor((s) => s.method === 'PUT' && s.conversationId === CHANNEL);
    assert.match(json(update.activity), /Ola Rådgiver/);
    // The veileder's own card follows: it says who works on it.
    const own = await waitFor((s) => s.method === 'PUT' && s.conversationId === 'a:personal-kari' && s.activityId === 'form-kari-1');
    assert.match(json(own.activity), /Ola Rådgiver i utdanningsteamet arbeider med saken/);
  });

  it('a stale action changes nothing and shows who changed the ticket', async () => {
    const [t] = await h.app.store.listTickets();
    const r = await invoke(siri, 'ticketTake', { ticketId: t.id, version: 1 }, true);
    const v = json(body(r).value);
    assert.match(v, /Saken ble tatt av Ola Rådgiver/);
    assert.equal((await h.app.store.getTicket(t.id))?.owner?.name, 'Ola Rådgiver');
  });

  it('a forged action from someone outside the team changes nothing and is logged', async () => {
    const [t] = await h.app.store.listTickets();
    const r = await invoke(mallory, 'ticketAnswer', { ticketId: t.id, version: t.version, text: 'Nei.' }, true);
    assert.equal(body(r).statusCode, 403);
    assert.equal((await h.app.store.getTicket(t.id))?.version, t.version);
    assert.ok(h.logs.some((l) => l.includes('not a team member')));
    const bad = await invoke(ola, 'ticketAnswer', { ticketId: 'DROP TABLE', version: 'x' }, true);
    assert.equal(body(bad).statusCode, 400);
  });

  it('the answer reaches the veileder in personal chat, who marks it solved', async () => {
    const [t] = await h.app.store.listTickets();
    const r = await invoke(ola, 'ticketAnswer', { ticketId: t.id, version: t.version, text: 'Fagbrev på jobb passer best: hun har nok praksis. Vi tar en realkompetansevurdering først.' }, true);
    assert.equal(body(r).statusCode, 200);
    const toKari = await waitFor((s) => s.conversationId === 'a:personal-kari' && json(s.activity).includes('har svart'));
    assert.match(json(toKari.activity), /Fagbrev på jobb passer best/);
    assert.match(json(toKari.activity), /Løst, takk/);
    // The confirmation card in Kari's chat no longer says «Ny» with «Trekk saken»: it shows the answer.
    const own = await waitFor((s) => s.method === 'PUT' && s.activityId === 'form-kari-1' && json(s.activity).includes('Besvart'));
    assert.match(json(own.activity), /Fagbrev på jobb passer best/);
    assert.doesNotMatch(json(own.activity), /Trekk saken/);
    const answered = await h.app.store.getTicket(t.id);
    const done = await invoke(kari, 'ticketResolve', { ticketId: t.id, version: answered?.version });
    assert.equal(body(done).statusCode, 200);
    const closed = await h.app.store.getTicket(t.id);
    assert.equal(closed?.state, 'lukket');
    assert.deepEqual(closed?.history.map((e) => e.action), ['opprettet', 'tatt', 'besvart', 'lost']);
  });

  it('two team members pressing "Ta saken" at the same moment: exactly one owns it, both see the same card', async () => {
    const r = await invoke(kari, 'ticketCreate', { question: 'Kan bruker ta privatisteksamen i norsk før hun har bestått B2?', section: 'fagopplaering', consent: 'true' });
    assert.equal(body(r).statusCode, 200);
    const t = (await h.app.store.listTickets()).at(-1);
    assert.ok(t);
    const [a, b] = await Promise.all([invoke(ola, 'ticketTake', { ticketId: t.id, version: 1 }, true), invoke(siri, 'ticketTake', { ticketId: t.id, version: 1 }, true)]);
    const owner = (await h.app.store.getTicket(t.id))?.owner?.name;
    assert.ok(owner === 'Ola Rådgiver' || owner === 'Siri Rådgiver');
    for (const res of [a, b]) assert.match(json(body(res).value), new RegExp(`${owner}`));
    assert.equal((await h.app.store.getTicket(t.id))?.history.filter((e) => e.action === 'tatt').length, 1);
  });

  it('only the requesting veileder may withdraw; "mine saker" lists the veileder\'s own tickets', async () => {
    const t = (await h.app.store.listTickets()).at(-1);
    assert.ok(t);
    const per = { id: '29:user-per', name: 'Per Veileder', aadObjectId: 'aad-per' };
    const forged = await invoke(per, 'ticketWithdraw', { ticketId: t.id, version: t.version });
    assert.equal(body(forged).statusCode, 403);
    const from = h.sent.length;
    await h.post(teamsActivity(h, { from: kari, text: 'mine saker' }));
    const list = await waitFor((x) => x.conversationId === 'a:personal-kari' && Boolean(x.activity.replyToId), 5000, from);
    const card = json(cardOf(list));
    for (const x of await h.app.store.listTickets()) assert.ok(card.includes(x.id), `${x.id} listed`);
  });

  it('an escalate outcome offers "Send til utdanningsteamet", which opens the form with the question', async () => {
    const from = h.sent.length;
    await h.post(teamsActivity(h, { from: kari, text: 'når er lunsjpausen på Dalheim vgs?' }));
    const reply = await waitFor((x) => x.conversationId === 'a:personal-kari' && Boolean(x.activity.replyToId), 5000, from);
    assert.match(json(cardOf(reply)), /Send til utdanningsteamet/);
    const r = await invoke(kari, 'ticketForm', { question: 'når er lunsjpausen på Dalheim vgs?' });
    assert.match(json(body(r).value), /lunsjpausen/);
  });

  it('"Lagre svaret som FAQ" makes the answer searchable at once', async () => {
    const t = (await h.app.store.listTickets()).find((x) => x.state === 'lukket' && x.answer);
    assert.ok(t);
    const r = await invoke(ola, 'ticketSaveFaq', { ticketId: t.id, version: t.version }, true);
    assert.equal(body(r).statusCode, 200);
    assert.ok((await h.app.store.getTicket(t.id))?.faq);
    await new Promise((res) => setTimeout(res, 300));
    const hits = h.app.faq()?.ask('assistent i barnehage i 8 år, fagbrev på jobb eller praksiskandidat?').hits ?? [];
    assert.ok(hits.some((x) => x.doc.kind === 'curated' && x.doc.text.includes('Fagbrev på jobb passer best')), 'the saved answer is found');
  });

  it('"@Veiviser svar: …" in a ticket card\'s thread answers the ticket and reaches the veileder', async () => {
    const t = (await h.app.store.listTickets()).find((x) => x.state === 'tatt');
    assert.ok(t);
    const card = (await h.app.store.listOutbox()).find((m) => m.id === t.channel?.cardMessageId);
    assert.ok(card?.deliveredActivityId, 'the card was delivered');
    const thread = { conversation: { id: `${CHANNEL};messageid=${card.deliveredActivityId}`, conversationType: 'channel', tenantId: 'tenant-fjordvik' }, channelData: channelConv.channelData };
    const from = h.sent.length;
    await h.post(teamsActivity(h, { ...thread, ...mention, from: siri, text: '<at>Veiviser</at> svar: Ja, hun kan melde seg opp som privatist før B2.' }));
    await waitFor((x) => x.conversationId === 'a:personal-kari' && json(x.activity).includes('kan melde seg opp som privatist'), 5000, from);
    assert.equal((await h.app.store.getTicket(t.id))?.state, 'besvart');
    const nonMember = h.sent.length;
    await h.post(teamsActivity(h, { ...thread, ...mention, from: mallory, text: '<at>Veiviser</at> svar: nei' }));
    const refusal = await waitFor((x) => x.conversationId.startsWith(CHANNEL) && typeof x.activity.text === 'string' && String(x.activity.text).length > 0, 5000, nonMember);
    assert.doesNotMatch(String(refusal.activity.text), /registrert/);
  });

  it('delivers a channel card exactly once across an app restart while the Bot Connector answers 503', async () => {
    h.failNext.push(503, 503, 503);
    const r = await invoke(kari, 'ticketCreate', { question: 'Kan bruker få realkompetansevurdering i helsearbeiderfaget før hun søker?', section: 'fagopplaering', consent: 'true' });
    assert.equal(body(r).statusCode, 200);
    const t = (await h.app.store.listTickets()).at(-1);
    assert.ok(t);
    await new Promise((res) => setTimeout(res, 300));
    const before = (await h.app.store.listOutbox()).find((m) => m.id === t.channel?.cardMessageId);
    assert.equal(before?.status === 'sent', false, 'not delivered while the connector fails');
    await h.restartApp();
    const posted = await waitFor((s) => s.method === 'POST' && s.conversationId === CHANNEL && json(s.activity).includes(t.id), 15_000, 0);
    assert.ok(posted);
    await new Promise((res) => setTimeout(res, 500));
    assert.equal(h.sent.filter((s) => s.method === 'POST' && s.conversationId === CHANNEL && json(s.activity).includes(`Ny sak ${t.id}`)).length, 1, 'posted exactly once');
    assert.equal((await h.app.store.listOutbox()).find((m) => m.id === t.channel?.cardMessageId)?.status, 'sent');
  });

  it('"@Veiviser agenda" lists the open tickets oldest first, by section', async () => {
    const from = h.sent.length;
    await h.post(teamsActivity(h, { ...channelConv, ...mention, from: ola, text: '<at>Veiviser</at> agenda' }));
    const agenda = await waitFor((x) => x.conversationId.startsWith(CHANNEL) && String(x.activity.text ?? '').includes('Agenda'), 5000, from);
    const text = String(agenda.activity.text);
    assert.match(text, /\*\*Fagopplæring\*\*/);
    const open = (await h.app.store.listTickets()).filter((t) => ['ny', 'tatt', 'venter', 'besvart'].includes(t.state));
    const ids = open.map((t) => t.id);
    assert.ok(ids.length > 0);
    const positions = ids.map((id) => text.indexOf(id));
    assert.ok(positions.every((p) => p >= 0), 'every open ticket is listed');
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'oldest first');
    for (const t of (await h.app.store.listTickets()).filter((x) => x.state === 'lukket')) assert.ok(!text.includes(t.id), `${t.id} is closed`);
  });
});
