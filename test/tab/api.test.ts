import assert from 'node:assert/strict';
import type { QuestionRecord } from '../../src/store/store.js';
import { SSO_APP_ID, startFakeEntra, TENANT, type FakeEntra } from '../helpers/entra.js';
import { validIdentityNumber } from '../helpers/identity.js';
import { cardOf, CHANNEL_ID, chooseChannel, startHarness, teamsActivity, type Harness } from '../helpers/harness.js';

/** JSON answers as the tests read them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const CHANNEL = CHANNEL_ID;
const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const ola = { id: '29:user-ola', name: 'Ola Rådgiver', aadObjectId: 'aad-ola' };
const eva = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' };

describe('the tab API over HTTP: SSO, the queue, actions that update the channel card, statistics, CSV', function () {
  this.timeout(60_000);
  let h: Harness;
  let entra: FakeEntra;
  let ticketId = '';
  const tab = async (path: string, token: string | undefined, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${h.app.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, type, body: type.includes('json') ? await res.json() as Record<string, Json> : await res.text() as Json, headers: res.headers };
  };

  before(async () => {
    entra = await startFakeEntra();
    h = await startHarness({ ALLOWED_TENANT_IDS: TENANT, TEAMS_SSO_APP_ID: SSO_APP_ID, TAB_LEADER_GROUP_IDS: 'grp-ledere' }, { tabJwksUrl: entra.jwksUrl });
    h.roster.push({ ...ola, userRole: 'user' }, { ...eva, userRole: 'owner' });
    const with_ = (from: typeof kari, over: Record<string, unknown>) => ({ ...teamsActivity(h, { from, conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } } }), ...over });
    await chooseChannel(h, eva, TENANT);
    await h.post(with_(kari, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'ticketCreate', data: { question: 'Kan bruker ta fagbrev som praksiskandidat etter 5 år som assistent?', section: 'fagopplaering', office: 'NAV Fjordvik', consent: 'true' } } } }));
    await h.post(with_(kari, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'ticketCreate', data: { question: 'Hvordan melder bruker seg opp til privatisteksamen i norsk?', section: 'eksamen', office: 'NAV Dalheim', consent: 'true' } } } }));
    ticketId = (await h.app.store.listTickets())[0].id;
    await h.waitForSent((s) => s.conversationId === CHANNEL && JSON.stringify(s.activity).includes(ticketId));
  });
  after(async () => { await h?.close(); await entra?.close(); });

  it('serves the page and its script, framable only by Teams and Microsoft 365', async () => {
    const page = await tab('/tab', undefined);
    assert.equal(page.status, 200);
    assert.match(page.body, /<html lang="nb">/);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'self' https:\/\/teams\.microsoft\.com/);
    const js = await tab('/tab/app.js', undefined);
    assert.equal(js.status, 200);
    assert.ok(js.body.length > 50_000, 'bundled with teams-js and Chart.js');
  });

  it('needs a valid sign-in for every API call', async () => {
    assert.equal((await tab('/api/tab/tickets', undefined)).status, 401);
    assert.equal((await tab('/api/tab/tickets', await entra.token({}, { key: 'other' }))).status, 401);
    assert.equal((await tab('/api/tab/tickets', await entra.token({ tid: 'another-tenant' }))).status, 403);
    const stranger = await entra.token({ oid: 'aad-mallory', name: 'Mallory' });
    assert.deepEqual((await tab('/api/tab/me', stranger)).body.roles, ['veileder'], 'signed in from the tenant: a veileder');
    for (const path of ['/api/tab/tickets', `/api/tab/tickets/${ticketId}`, '/api/tab/bookings', '/api/tab/stats', '/api/tab/settings', '/api/tab/tickets.csv']) {
      const r = await tab(path, stranger);
      assert.equal(r.status, 403, path);
      assert.match(r.body.error, /ikke tilgang/);
    }
    assert.deepEqual((await tab('/api/tab/mine', stranger)).body, { tickets: [], bookings: [] }, 'nobody else\'s tickets');
  });

  it('gives roles from the team roster: a member sees the queue, the owner the settings, a leader only statistics', async () => {
    const me = await tab('/api/tab/me', await entra.token());
    assert.deepEqual(me.body, { name: 'Ola Rådgiver', roles: ['team'], mode: 'teams' });
    assert.equal((await tab('/api/tab/settings', await entra.token())).status, 403);
    assert.equal((await tab('/api/tab/settings', await entra.token({ oid: 'aad-eva', name: 'Eva Eier' }))).status, 200);
    const leader = await entra.token({ oid: 'aad-leder', name: 'Lena Leder', groups: ['grp-ledere'] });
    assert.deepEqual((await tab('/api/tab/me', leader)).body.roles, ['leder']);
    assert.equal((await tab('/api/tab/tickets', leader)).status, 403, 'no tickets for leaders');
    assert.equal((await tab('/api/tab/stats', leader)).status, 200);
  });

  it('filters the queue by state, section and owner', async () => {
    const token = await entra.token();
    const all = await tab('/api/tab/tickets', token);
    assert.deepEqual(all.body.tickets.map((t: Json) => t.sectionLabel), ['Fagopplæring', 'Eksamen']);
    const eksamen = await tab('/api/tab/tickets?section=eksamen', token);
    assert.deepEqual(eksamen.body.tickets.map((t: Json) => t.office), ['NAV Dalheim']);
    assert.equal((await tab('/api/tab/tickets?state=besvart', token)).body.tickets.length, 0);
    assert.equal((await tab('/api/tab/tickets?owner=ingen', token)).body.tickets.length, 2);
    assert.equal((await tab('/api/tab/tickets?section=nonsense', token)).status, 400);
  });

  it('"Ta saken" from the tab takes the ticket and updates the card in the channel; a stale second click changes nothing', async () => {
    const token = await entra.token();
    const detail = await tab(`/api/tab/tickets/${ticketId}`, token);
    assert.equal(detail.body.canAct, true);
    assert.equal(detail.body.ticket.history[0].action, 'opprettet');
    const from = h.sent.length;
    const r = await tab(`/api/tab/tickets/${ticketId}/ta`, token, { method: 'POST', body: { version: detail.body.ticket.version } });
    assert.equal(r.status, 200);
    assert.equal(r.body.ticket.owner.name, 'Ola Rådgiver');
    const update = await h.waitForSent((s) => s.method === 'PUT' && s.conversationId.startsWith(CHANNEL) && JSON.stringify(cardOf(s) ?? {}).includes('Ola Rådgiver'), from);
    assert.match(JSON.stringify(cardOf(update)), /Tatt/);
    const stale = await tab(`/api/tab/tickets/${ticketId}/ta`, await entra.token({ oid: 'aad-eva', name: 'Eva Eier' }), { method: 'POST', body: { version: detail.body.ticket.version } });
    assert.equal(stale.status, 409);
    assert.match(stale.body.error, /endret siden du så den.*Ola Rådgiver/);
    assert.equal((await h.app.store.getTicket(ticketId))?.owner?.name, 'Ola Rådgiver');
    assert.deepEqual((await tab('/api/tab/tickets?owner=aad-ola', token)).body.tickets.map((t: Json) => t.id), [ticketId]);
  });

  it('answers from the tab: the veileder gets the answer, and the text is privacy-guarded', async () => {
    const token = await entra.token();
    const v = (await h.app.store.getTicket(ticketId))!.version;
    const fnr = validIdentityNumber('010190');
    const refused = await tab(`/api/tab/tickets/${ticketId}/svar`, token, { method: 'POST', body: { version: v, text: `Bruker ${fnr} kan ta fagbrev.` } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error, /fødselsnummer/);
    assert.equal((await h.app.store.getTicket(ticketId))?.version, v, 'nothing changed');
    assert.ok(!h.logs.join('').includes(fnr), 'not in the logs');
    const from = h.sent.length;
    const current = (await h.app.store.getTicket(ticketId))!.version;
    const ok = await tab(`/api/tab/tickets/${ticketId}/svar`, token, { method: 'POST', body: { version: current, text: 'Ja: med 5 års allsidig praksis kan bruker melde seg opp som praksiskandidat.' } });
    assert.equal(ok.status, 200);
    await h.waitForSent((s) => s.conversationId === 'a:personal-kari' && JSON.stringify(s.activity).includes('praksiskandidat'), from);
    assert.equal((await h.app.store.getTicket(ticketId))?.state, 'besvart');
    // The veileder's personal tab shows her tickets and the answer.
    const mine = await tab('/api/tab/mine', await entra.token({ oid: 'aad-kari', name: 'Kari Veileder' }));
    assert.deepEqual(mine.body.tickets.map((t: Json) => t.id).sort(), (await h.app.store.listTickets()).map((t) => t.id).sort());
    assert.match(mine.body.tickets.find((t: Json) => t.id === ticketId).answer.text, /praksiskandidat/);
  });

  it('refuses actions from someone who is not on the ticket\'s team, and forged action data', async () => {
    const leaderWithTeamGroup = await tab(`/api/tab/tickets/${ticketId}/lukk`, await entra.token({ oid: 'aad-leder', groups: ['grp-ledere'] }), { method: 'POST', body: { version: 1 } });
    assert.equal(leaderWithTeamGroup.status, 403);
    const token = await entra.token();
    assert.equal((await tab(`/api/tab/tickets/${ticketId}/slett`, token, { method: 'POST', body: { version: 1 } })).status, 400);
    assert.equal((await tab(`/api/tab/tickets/${ticketId}/ta`, token, { method: 'POST', body: { version: 'x' } })).status, 400);
    assert.equal((await tab('/api/tab/tickets/UT-1999-0001/ta', token, { method: 'POST', body: { version: 1 } })).status, 404);
    const v = (await h.app.store.getTicket(ticketId))!.version;
    const assign = await tab(`/api/tab/tickets/${ticketId}/tildel`, token, { method: 'POST', body: { version: v, assignee: 'aad-mallory' } });
    assert.equal(assign.status, 400);
    assert.match(assign.body.error, /ikke medlem/);
  });

  it('shows statistics that match the data, with counts under five as "<5", and exports every table as CSV', async () => {
    const now = new Date();
    const recs: QuestionRecord[] = [];
    const add = (n: number, outcome: QuestionRecord['outcome'], over: Partial<QuestionRecord> = {}) => {
      for (let i = 0; i < n; i++) recs.push({ id: `seed-${outcome}-${recs.length}`, at: new Date(now.getTime() - 3600_000).toISOString(), userHash: 'h', conversationType: 'personal', outcome, office: 'NAV Fjordvik', topUrl: `${h.app.siteUrl}eksamen/privatist`, ...over });
    };
    add(9, 'answer');
    add(2, 'escalate', { text: 'hvordan klage på karakter i fag jeg ikke har tatt' });
    add(1, 'nav');
    for (const r of recs) await h.app.store.recordQuestion(r);
    const before = (await h.app.store.listQuestions()).length;
    const token = await entra.token({ oid: 'aad-leder', groups: ['grp-ledere'] });
    const stats = await tab('/api/tab/stats?granularity=month&range=3m', token);
    assert.equal(stats.status, 200);
    const table = (id: string) => stats.body.tables.find((t: Json) => t.id === id);
    const asked = table('sporsmal').rows.reduce((n: number, r: string[]) => n + (/^\d+$/.test(r[1]) ? Number(r[1]) : 0), 0);
    assert.equal(asked, before, 'every question counted');
    assert.equal(before, 12, 'only the seeded questions');
    const thisMonth = table('sporsmal').rows.at(-1);
    assert.deepEqual(thisMonth.slice(1, 7), ['12', '9', '0', '<5', '<5', '75 %']);
    assert.equal(thisMonth[4], '<5', 'two escalations shown as <5');
    assert.equal(thisMonth[5], '<5');
    const fjordvik = table('kontorer').rows.find((r: string[]) => r[0] === 'NAV Fjordvik');
    assert.ok(fjordvik && /^\d+$/.test(fjordvik[1]) && Number(fjordvik[1]) >= 12);
    const gaps = table('ubesvart').rows;
    assert.ok(gaps.some((r: string[]) => r[0] !== '' && r[1] === '<5'), JSON.stringify(gaps));
    assert.ok(!JSON.stringify(stats.body).includes('klage på karakter'), 'no example questions for a leader');
    assert.equal(table('saker').rows.at(-1)[1], '<5', 'two tickets');
    const csv = await tab('/api/tab/stats.csv?granularity=month&range=3m&table=kontorer', token);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /statistikk-kontorer\.csv/);
    assert.match(csv.body, /^\uFEFF?NAV-kontor;Spørsmål;Saker\r\n/);
    assert.match(csv.body, /NAV Fjordvik;\d+;<5/);
    assert.equal((await tab('/api/tab/stats.csv?table=nope', token)).status, 404);
    const queueCsv = await tab('/api/tab/tickets.csv?state=alle', await entra.token());
    assert.match(queueCsv.body, new RegExp(`${ticketId};Besvart;Fagopplæring`));
  });

  it('shows example questions only to team and admin, only for topics with at least five, in JSON and CSV alike', async () => {
    const at = new Date(Date.now() - 3600_000).toISOString();
    const five = ['lærekontrakt for voksne uten fagbrev', 'fagbrev uten læreplass i kommunen', 'praksiskandidat med permisjon', 'lærling over tjuefem år', 'fagprøve i et annet fylke'];
    const four = ['bruker bor på krisesenter og vil søke inntak', 'bruker på krisesenter trenger skoleplass', 'inntak for bruker i krisesenter', 'krisesenter og inntak midt i året'];
    const seed = async (texts: string[], section: string, outcome: 'escalate' | 'clarify') => {
      for (const [i, text] of texts.entries()) await h.app.store.recordQuestion({ id: `ex-${section}-${i}`, at, userHash: 'h', conversationType: 'personal', outcome, office: 'NAV Fjordvik', topUrl: `${h.app.siteUrl}${section}/side`, text });
    };
    await seed(five, 'fagopplaering', 'clarify');
    await seed(four, 'inntak', 'escalate');
    const small = [...four, 'klage på karakter'];
    const q = 'granularity=month&range=3m';
    const gapsOf = async (token: string) => {
      const r = await tab(`/api/tab/stats?${q}`, token);
      assert.equal(r.status, 200);
      const csv = await tab(`/api/tab/stats.csv?${q}&table=ubesvart`, token);
      assert.equal(csv.status, 200);
      return { json: JSON.stringify(r.body), table: r.body.tables.find((t: Json) => t.id === 'ubesvart'), csv: csv.body as string };
    };
    const rowOf = (table: Json, count: string) => table.rows.find((r: string[]) => r[1] === count);

    // A leader: counts only, no example anywhere (not hidden in the page: absent from the response).
    const leader = await gapsOf(await entra.token({ oid: 'aad-leder', name: 'Lena Leder', groups: ['grp-ledere'] }));
    assert.deepEqual(leader.table.columns, ['Tema', 'Ubesvart']);
    assert.ok(leader.table.rows.every((r: string[]) => r.length === 2), JSON.stringify(leader.table.rows));
    assert.ok(rowOf(leader.table, '5'), 'the topic with five is counted');
    assert.match(leader.csv, /^\uFEFF?Tema;Ubesvart\r\n/);
    for (const text of [...five, ...small]) {
      assert.ok(!leader.json.includes(text), `leader JSON holds "${text}"`);
      assert.ok(!leader.csv.includes(text), `leader CSV holds "${text}"`);
    }

    // The team (a member) and an admin (the owner): examples for the topic with five, "<5" and no example for 1–4.
    for (const token of [await entra.token(), await entra.token({ oid: 'aad-eva', name: 'Eva Eier' })]) {
      const team = await gapsOf(token);
      assert.deepEqual(team.table.columns, ['Tema', 'Ubesvart', 'Eksempler']);
      const withFive = rowOf(team.table, '5');
      assert.ok(withFive, JSON.stringify(team.table.rows));
      for (const text of five) {
        assert.ok(withFive[2].includes(text), `"${text}" among the examples`);
        assert.ok(team.csv.includes(text), `"${text}" in the CSV`);
      }
      const smallRows = team.table.rows.filter((r: string[]) => r[1] === '<5');
      assert.ok(smallRows.length >= 2, JSON.stringify(team.table.rows));
      for (const r of smallRows) assert.equal(r[2], '–', `no example next to "<5": ${r.join(';')}`);
      for (const text of small) {
        assert.ok(!team.json.includes(text), `team JSON holds "${text}" from a topic with 1–4`);
        assert.ok(!team.csv.includes(text), `team CSV holds "${text}" from a topic with 1–4`);
      }
      assert.match(team.csv, /^\uFEFF?Tema;Ubesvart;Eksempler\r\n/);
      assert.match(team.csv, /;<5;–\r\n/);
    }
  });

  it('lets an admin see the settings and re-crawl with progress and a report', async () => {
    const admin = await entra.token({ oid: 'aad-eva', name: 'Eva Eier' });
    const s = await tab('/api/tab/settings', admin);
    assert.equal(s.body.channels[0].channelName, 'Fagopplæring');
    assert.equal(s.body.counsellors.length, 6);
    assert.ok(s.body.pages > 20);
    assert.ok(s.body.decision.answer > 0 && s.body.decision.answer <= 1, 'the answer cut-off is a probability');
    assert.ok(s.body.decision.clarify >= 0 && s.body.decision.clarify <= s.body.decision.answer);
    assert.match(s.body.decision.fittedAt, /^\d{4}-\d{2}-\d{2}/);
    const started = await tab('/api/tab/crawl', admin, { method: 'POST' });
    assert.equal(started.status, 202);
    assert.equal(started.body.running, true);
    let status = started.body;
    for (let i = 0; i < 200 && status.running; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await tab('/api/tab/crawl', admin)).body;
    }
    assert.equal(status.running, false);
    assert.ok(status.progress.done > 20, JSON.stringify(status));
    assert.ok((await tab('/api/tab/settings', admin)).body.lastCrawl.fetched > 20);
    assert.equal((await tab('/api/tab/crawl', await entra.token(), { method: 'POST' })).status, 403, 'members cannot re-crawl');
  });
});

describe('the tab in production: no development login', function () {
  this.timeout(60_000);
  it('has no /api/tab/dev-login, and the page finds no local login', async () => {
    const h = await startHarness({ NODE_ENV: 'production', HOST: '127.0.0.1', MicrosoftAppId: SSO_APP_ID, MicrosoftAppPassword: 'not-used-here', MicrosoftAppTenantId: TENANT });
    try {
      const login = await fetch(`${h.app.url}/api/tab/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Mallory', role: 'admin' }) });
      assert.equal(login.status, 404);
      assert.deepEqual(await (await fetch(`${h.app.url}/api/tab/config`)).json(), { sso: true, devLogin: false });
      const forged = `dev.${Buffer.from(JSON.stringify({ id: 'dev:x', name: 'x', roles: ['admin'], exp: 9e9 })).toString('base64url')}.c2ln`;
      assert.equal((await fetch(`${h.app.url}/api/tab/me`, { headers: { authorization: `Bearer ${forged}` } })).status, 401);
    } finally {
      await h.close();
    }
  });
});
