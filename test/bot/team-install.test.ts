import assert from 'node:assert/strict';
import { chooseChannel, startHarness, teamsActivity, type Harness, type Sent } from '../helpers/harness.js';

/** What Teams sends when the bot is added to a team: the team's General channel (its id is the team's), no channel name. */
function installedInTeam(h: Harness, teamId: string, teamName: string, type: 'conversationUpdate' | 'installationUpdate' = 'conversationUpdate') {
  return teamsActivity(h, {
    type,
    ...(type === 'conversationUpdate' ? { membersAdded: [{ id: '28:veiviser-bot' }] } : { action: 'add' }),
    from: { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' },
    conversation: { id: teamId, conversationType: 'channel', isGroup: true, tenantId: 'tenant-fjordvik' },
    channelData: { tenant: { id: 'tenant-fjordvik' }, team: { id: teamId, name: teamName }, eventType: type === 'conversationUpdate' ? 'teamMemberAdded' : undefined },
  });
}

const NOTICE = /Saker fra veiledere kommer nå i denne kanalen/;
const text = (s: Sent) => String(s.activity.text ?? '');

describe('adding Veiviser to a team tells General that it now receives tickets (over HTTP)', function () {
  this.timeout(60_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: 'tenant-fjordvik' });
  });
  afterEach(async () => h?.close());

  it('posts the notice in General once, after the greeting, with the command to choose another channel', async () => {
    const team = '19:team-nytt@thread.tacv2';
    const from = h.sent.length;
    assert.equal((await h.post(installedInTeam(h, team, 'Nytt team', 'installationUpdate'))).status, 200);
    assert.equal((await h.post(installedInTeam(h, team, 'Nytt team'))).status, 200);
    const notice = await h.waitForSent((s) => NOTICE.test(text(s)), from);
    assert.equal(notice.conversationId, team, 'posted in General (the team\'s own conversation)');
    assert.match(text(notice), /«@Veiviser bruk denne kanalen»/);
    assert.match(text(notice), /«@Veiviser bruk denne kanalen for eksamen»/);
    assert.match(text(notice), /eier av teamet/);
    const sentHere = h.sent.slice(from).filter((s) => s.conversationId === team);
    assert.ok(sentHere.findIndex((s) => /Jeg er Veiviser/.test(text(s))) < sentHere.indexOf(notice), 'the greeting first');
    const channels = await h.app.store.listEscalationChannels();
    assert.deepEqual(channels.map((c) => [c.teamId, c.channelName]), [[team, 'General']], 'General is the default');

    // Teams (or a client) re-sending "bot added" greets no one twice and repeats no notice.
    const again = h.sent.length;
    await h.post(installedInTeam(h, team, 'Nytt team'));
    await h.post(installedInTeam(h, team, 'Nytt team', 'installationUpdate'));
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(h.sent.slice(again).map(text), [], 'nothing more sent');
    assert.equal(h.sent.slice(from).filter((s) => NOTICE.test(text(s))).length, 1);
  });

  it('says nothing about tickets when a channel was already chosen', async () => {
    h.roster.push({ id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva', userRole: 'owner' });
    await chooseChannel(h, { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' });
    const chosen = await h.app.store.listEscalationChannels();
    const from = h.sent.length;
    const team = '19:team-annet@thread.tacv2';
    await h.post(installedInTeam(h, team, 'Annet team'));
    await h.waitForSent((s) => /Jeg er Veiviser/.test(text(s)), from);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(!h.sent.slice(from).some((s) => NOTICE.test(text(s))), 'no notice: General does not receive tickets');
    assert.deepEqual(await h.app.store.listEscalationChannels(), chosen, 'the chosen channel is kept');
  });
});
