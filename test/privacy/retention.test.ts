/**
 * Retention keeps its promise everywhere a ticket's text could live: a ticket goes through its
 * whole life with a marked text in every free-text field (the veileder's question in chat, the
 * form's question and NAV measure, the team's question, the veileder's extra information, the
 * answer), is closed, and the clock moves past TICKET_RETENTION_DAYS. Then the whole lowdb data
 * directory, and a pg_dump of the PostgreSQL database, hold none of the texts; the cards already
 * shown in Teams have been updated to the redacted version; delivered outbox messages keep ids
 * only and are pruned.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chooseChannel, startHarness, teamsActivity, type Harness } from '../helpers/harness.js';
import { dumpDatabase, requirePostgres, testPostgres } from '../helpers/postgres.js';

const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const ola = { id: '29:user-ola', name: 'Ola Rådgiver', aadObjectId: 'aad-ola' };
const eva = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' };
const DAY = 86_400_000;
/** One marked text per free-text field; none may survive retention anywhere. */
const MARK = { chat: 'qzxvkjorm', question: 'brumlefjes', navMeasure: 'tiltakvrimpel', teamQuestion: 'spurtegnolf', extraInfo: 'infoplaskurv', answer: 'svarfrimpelo' };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

for (const kind of ['lowdb', 'PostgreSQL'] as const) {
  describe(`retention reaches every copy of a ticket's text (${kind})`, function () {
    this.timeout(120_000);
    let h: Harness;
    let now: Date | undefined;
    let dbUrl = '';
    before(async function () {
      if (kind === 'PostgreSQL') {
        requirePostgres(this, 'retention on PostgreSQL', 'it ran on lowdb');
        dbUrl = await (await testPostgres()).createDatabase('retention');
      }
      h = await startHarness({ ALLOWED_TENANT_IDS: 'tenant-fjordvik', TICKET_RETENTION_DAYS: '180', QUESTION_TEXT_RETENTION_DAYS: '90', OUTBOX_KEEP_DAYS: '7', ...(dbUrl ? { DATABASE_URL: dbUrl } : {}) }, { clock: () => now ?? new Date() });
      h.roster.push({ ...ola, userRole: 'user' }, { ...eva, userRole: 'owner' });
      await chooseChannel(h, eva);
    });
    after(async () => h?.close());

    const personal = { conversation: { id: 'a:personal-kari', conversationType: 'personal', tenantId: 'tenant-fjordvik' } };
    const invoke = (from: typeof kari, verb: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', from, ...(from === kari ? personal : {}), ...extra, value: { action: { type: 'Action.Execute', verb, data } } }));
    const ticket = async () => (await h.app.store.listTickets())[0];
    const drained = async () => {
      for (let i = 0; i < 200; i++) {
        if ((await h.app.store.listUndeliveredOutbox()).length === 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('outbox not drained');
    };
    const everything = async (): Promise<string> => (kind === 'lowdb' ? filesUnder(h.dataDir).map((f) => readFileSync(f, 'utf8')).join('\n') : dumpDatabase(dbUrl));

    it('a whole ticket life, then retention: no free text is left in the store, and the cards in Teams are redacted', async () => {
      // The veileder asks in chat first; Veiviser cannot answer, so the question's text is kept (for a while).
      await h.post(teamsActivity(h, { from: kari, ...personal, text: `${MARK.chat} ${MARK.chat} vrompel?` }));
      assert.ok((await h.app.store.listQuestions()).some((q) => q.text?.includes(MARK.chat)), 'precondition: the unanswered question is in the log');
      await invoke(kari, 'ticketCreate', { question: `Bruker vil ta fagbrev ${MARK.question}`, section: 'fagopplaering', navMeasure: MARK.navMeasure, office: 'NAV Fjordvik', consent: 'true' }, { replyToId: 'form-message-kari' });
      let t = await ticket();
      await invoke(ola, 'ticketTake', { ticketId: t.id, version: t.version });
      t = await ticket();
      await invoke(ola, 'ticketAsk', { ticketId: t.id, version: t.version, askText: `Har hun praksis? ${MARK.teamQuestion}` });
      t = await ticket();
      await invoke(kari, 'ticketAddInfo', { ticketId: t.id, version: t.version, text: `Fem år i barnehage ${MARK.extraInfo}` });
      t = await ticket();
      await invoke(ola, 'ticketAnswer', { ticketId: t.id, version: t.version, text: `Fagbrev på jobb ${MARK.answer}` });
      t = await ticket();
      await invoke(kari, 'ticketResolve', { ticketId: t.id, version: t.version });
      t = await ticket();
      assert.equal(t.state, 'lukket');
      await drained();
      const before = await everything();
      for (const mark of [MARK.chat, MARK.question, MARK.navMeasure, MARK.answer]) assert.ok(before.includes(mark), `precondition: the search finds ${mark} while the ticket is fresh`);
      const outbox = await h.app.store.listOutbox();
      assert.ok(outbox.length > 0 && outbox.every((m) => m.status !== 'sent' || JSON.stringify(m.activity) === '{}'), 'a delivered message keeps ids only');

      // Past retention: housekeeping redacts the ticket, the question log and the cards.
      const sentBefore = h.sent.length;
      now = new Date(Date.parse(t.closedAt!) + 181 * DAY);
      await h.app.housekeep();
      await drained();
      await h.app.housekeep(); // prunes what the redaction's updates no longer need
      const after = await everything();
      for (const [field, mark] of Object.entries(MARK)) assert.ok(!after.includes(mark), `${field} text is gone from the ${kind === 'lowdb' ? 'data directory' : 'database dump'}`);
      const redacted = await ticket();
      assert.ok(redacted.redactedAt);
      assert.equal(redacted.office, 'NAV Fjordvik', 'the office stays for statistics');
      assert.equal(redacted.section, 'fagopplaering');
      assert.ok(!JSON.stringify(redacted).includes('Kari Veileder') && !JSON.stringify(redacted).includes('Ola Rådgiver'), 'names in the ticket are replaced by roles');
      assert.deepEqual(redacted.history.map((e) => e.action), ['opprettet', 'tatt', 'spurt', 'info-lagt-til', 'besvart', 'lost'], 'the history of actions stays');
      // The cards already in Teams were replaced by the redacted version: the channel card and the veileder's cards.
      const updates = h.sent.slice(sentBefore).filter((s) => s.method === 'PUT');
      assert.ok(updates.some((s) => s.conversationId !== 'a:personal-kari'), 'the channel card is updated');
      assert.ok(updates.some((s) => s.conversationId === 'a:personal-kari' && s.activityId !== 'form-message-kari'), 'the veileder\'s answer card is updated');
      assert.ok(updates.some((s) => s.conversationId === 'a:personal-kari' && s.activityId === 'form-message-kari'), 'the confirmation card that replaced the form is updated too');
      for (const u of updates) for (const mark of Object.values(MARK)) assert.ok(!JSON.stringify(u.activity).includes(mark));
      assert.ok(updates.every((u) => /slettet/.test(JSON.stringify(u.activity))), 'the cards say the text was deleted');
      // Delivered messages older than OUTBOX_KEEP_DAYS are pruned once no later change needs them.
      const left = await h.app.store.listOutbox();
      assert.ok(left.length < outbox.length, `outbox pruned: ${outbox.length} → ${left.length}`);
      assert.ok(left.every((m) => JSON.stringify(m.activity) === '{}'));
    });
  });
}
