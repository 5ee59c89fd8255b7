/**
 * The logs of a whole run — questions, a refused identity number, a ticket created, taken and
 * answered, feedback, the tab — hold no message text, no name, no e-mail address and no identity
 * number (design.md: "never a message text, a name or a national identity number").
 */
import assert from 'node:assert/strict';
import { CHANNEL_ID, chooseChannel, fromChannel, startHarness, teamsActivity } from './helpers/harness.js';
import { validIdentityNumber } from './helpers/identity.js';

describe('logs hold no personal data', function () {
  this.timeout(120_000);
  it('a full run through the bot and the tab logs none of the texts, names or numbers sent', async () => {
    const TENANT = 'tenant-fjordvik';
    const CHANNEL = CHANNEL_ID;
    const kari = { id: '29:user-kari', name: 'Kari Sporbar-Veileder', aadObjectId: 'aad-kari' };
    const eva = { id: '29:user-eva', name: 'Eva Sporbar-Eier', aadObjectId: 'aad-eva' };
    const h = await startHarness({ ALLOWED_TENANT_IDS: TENANT, LOG_LEVEL: 'debug' });
    try {
      h.roster.push({ ...eva, userRole: 'owner' });
      const fnr = validIdentityNumber('150385');
      const secrets = ['kvitrefugl', 'blåbærsyltetøy', 'fjelltrollet', 'sommerfuglvinge', fnr, fnr.slice(0, 6) + ' ' + fnr.slice(6), 'kari.sporbar@nav.example', kari.name, eva.name, 'Sporbar'];
      const personal = { from: kari, conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } } };
      const channel = fromChannel(TENANT);
      const invoke = (from: typeof kari, verb: string, data: Record<string, unknown>, where: Record<string, unknown> = personal) => h.post(teamsActivity(h, { ...where, from, type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }));
      await chooseChannel(h, eva, TENANT);
      await h.post(teamsActivity(h, { ...personal, text: 'hvordan blir man praksiskandidat kvitrefugl' }));
      await h.post(teamsActivity(h, { ...personal, text: 'blåbærsyltetøy og romfart på månen?' }));
      await h.post(teamsActivity(h, { ...personal, text: `Bruker ${fnr} lurer på fagbrev` }));
      await h.post(teamsActivity(h, { ...personal, text: `kontakt kari.sporbar@nav.example om ${fnr.slice(0, 6)} ${fnr.slice(6)}` }));
      const [q] = await h.app.store.listQuestions();
      await invoke(kari, 'feedback', { questionId: q.id, helpful: false });
      const from = h.sent.length;
      await invoke(kari, 'ticketCreate', { question: 'Fjelltrollet vil ta fagbrev som praksiskandidat', section: 'fagopplaering', office: 'NAV Fjordvik', consent: 'true' });
      const [t] = await h.app.store.listTickets();
      await h.waitForSent((s) => s.conversationId === CHANNEL, from);
      await invoke(eva, 'ticketTake', { ticketId: t.id, version: 1 }, channel);
      await invoke(eva, 'ticketAnswer', { ticketId: t.id, version: 2, text: 'Sommerfuglvinge: ja, med fem års praksis.' }, channel);
      await invoke(eva, 'ticketAnswer', { ticketId: t.id, version: 3, text: `Ikke send ${fnr}` }, channel);
      // The tab, too (local development login).
      const login = await (await fetch(`${h.app.url}/api/tab/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Kari Sporbar-Veileder', role: 'admin' }) })).json() as { token: string };
      for (const path of ['/api/tab/tickets', `/api/tab/tickets/${t.id}`, '/api/tab/stats', '/api/tab/settings']) await fetch(`${h.app.url}${path}`, { headers: { authorization: `Bearer ${login.token}` } });
      await fetch(`${h.app.url}/api/tab/tickets/${t.id}/lukk`, { method: 'POST', headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ version: 99 }) });
      await new Promise((r) => setTimeout(r, 500));
      const logs = h.logs.join('');
      const lines = logs.split('\n').length;
      assert.ok(lines > 10, `the run was logged (${lines} lines)`);
      console.log(`      ${lines} log lines searched for ${secrets.length} texts, names and numbers`);
      for (const s of secrets) assert.ok(!logs.toLowerCase().includes(s.toLowerCase()), `the logs contain "${s}"`);
    } finally {
      await h.close();
    }
  });
});
