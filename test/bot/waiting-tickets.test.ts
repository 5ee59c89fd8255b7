/**
 * A ticket sent before the education team has chosen a channel: the veileder is told the truth
 * (it waits, and why), and when a channel is chosen the waiting ticket is posted there and the
 * veileder's card says it has reached the team.
 */
import assert from 'node:assert/strict';
import { CHANNEL_ID, chooseChannel, startHarness, teamsActivity, type Harness } from '../helpers/harness.js';

const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const eva = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' };
const json = (x: unknown): string => JSON.stringify(x);

describe('tickets sent before the team has a channel', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: 'tenant-fjordvik' });
    h.roster.push({ ...eva, userRole: 'owner' });
  });
  after(async () => h?.close());

  it('tells the veileder the ticket waits for a channel, then posts it there when the team chooses one', async () => {
    const data = { question: 'Bruker vil ta fagbrev som praksiskandidat i barne- og ungdomsarbeiderfaget. Hvor mye praksis trengs?', section: 'fagopplaering', ageBand: '25+', office: 'NAV Fjordvik', consent: 'true' };
    const res = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', from: kari, replyToId: 'form-kari-9', value: { action: { type: 'Action.Execute', verb: 'ticketCreate', data } } }));
    const confirm = json((res.body as { value: unknown }).value);
    assert.match(confirm, /har ikke valgt en kanal i Teams ennå/);
    assert.match(confirm, /Saken venter/);
    assert.doesNotMatch(confirm, /Saken er sendt til utdanningsteamet/, 'no claim that it reached the team');
    const [waiting] = await h.app.store.listTickets();
    assert.equal(waiting.channel, undefined);

    // The team chooses a channel: the waiting ticket's card is posted there.
    const from = h.sent.length;
    await chooseChannel(h, eva);
    const posted = await h.waitForSent((s) => s.method === 'POST' && s.conversationId.startsWith(CHANNEL_ID) && json(s.activity).includes(waiting.id) && json(s.activity).includes('Ta saken'), from, 10_000);
    assert.match(json(posted.activity), /praksiskandidat/);
    const sent = await h.app.store.getTicket(waiting.id);
    assert.ok(sent?.channel?.cardMessageId);
    assert.deepEqual(sent?.history.map((e) => e.action), ['opprettet', 'sendt-til-kanal']);
    // The veileder's card now says it has reached the team.
    const own = await h.waitForSent((s) => s.method === 'PUT' && s.activityId === 'form-kari-9', from, 10_000);
    assert.match(json(own.activity), /Saken er sendt til utdanningsteamet/);
    // Choosing the channel again sends nothing twice.
    const again = h.sent.length;
    await chooseChannel(h, eva);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(h.sent.slice(again).filter((s) => s.method === 'POST' && json(s.activity).includes('Ta saken')).length, 0);
  });
});
