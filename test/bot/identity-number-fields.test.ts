/**
 * Identity numbers in every free-text field of every card, over HTTP (property-based, fast-check).
 * The fields come from the templates (TEXT_INPUTS, derived by the guard itself) and the actions
 * from the templates' own buttons; a field whose action has no fixture here fails the test, so a
 * new field cannot be left out. Each generated valid fødselsnummer or D-number — plain, with a
 * separator after the date, with the date grouped, with the check digits apart — goes into one
 * field, the other fields filled in cleanly, and the action is: refused; never stored (store and
 * data files); never sent (everything the fake Bot Connector received); never shown back in the
 * returned card except masked; every other field kept as submitted.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { containsIdentityNumber, IDENTITY_PLACEHOLDER, maskIdentityNumbers } from '../../src/privacy/identity-number.js';
import { TEXT_INPUTS, textInputsOf } from '../../src/privacy/card-inputs.js';
import { chooseChannel, fromChannel, startHarness, teamsActivity, type Harness } from '../helpers/harness.js';
import { makeIdentityNumber } from '../helpers/identity.js';

const TENANT = 'tenant-fjordvik';
type User = { id: string; name: string; aadObjectId: string };
const kari: User = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const ola: User = { id: '29:user-ola', name: 'Ola Rådgiver', aadObjectId: 'aad-ola' };
const eva: User = { id: '29:user-eva', name: 'Eva Eier', aadObjectId: 'aad-eva' };
type Card = Record<string, unknown>;
type Action = { verb?: string; title?: string; data?: Record<string, unknown> };

/** A valid fødselsnummer or D-number from a real date. */
const validNumber = fc
  .record({ date: fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }), dNumber: fc.boolean(), individual: fc.integer({ min: 0, max: 999 }) })
  .map(({ date, dNumber, individual }) => {
    const dd = date.getUTCDate() + (dNumber ? 40 : 0);
    const date6 = `${String(dd).padStart(2, '0')}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCFullYear() % 100).padStart(2, '0')}`;
    return makeIdentityNumber(date6, String(individual).padStart(3, '0'));
  })
  .filter((n): n is string => n !== null);

/** How people write it: plain, a separator after the date, the date grouped, the check digits apart. */
const written = fc.tuple(validNumber, fc.constantFrom('plain', 'after-date', 'grouped-date', 'check-apart'), fc.constantFrom(' ', '.', '-')).map(([n, form, sep]) => {
  const [dd, mm, yy, ind, k] = [n.slice(0, 2), n.slice(2, 4), n.slice(4, 6), n.slice(6, 9), n.slice(9)];
  const text = form === 'plain' ? n : form === 'after-date' ? `${dd}${mm}${yy}${sep}${ind}${k}` : form === 'grouped-date' ? `${dd}${sep}${mm}${sep}${yy} ${ind}${k}` : `${dd}${mm}${yy}${sep}${ind}${sep}${k}`;
  return { n, text };
});
/** Words around it (no digits, so nothing glues onto the number). */
const words = fc.string({ maxLength: 20 }).map((s) => s.replace(/\d/g, ''));

/** Every input of a card: id, value, and the verbs that submit it. */
function inputs(card: unknown): { id: string; value: unknown; type: string }[] {
  const out: { id: string; value: unknown; type: string }[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') out.push({ id: o.id, value: o.value, type: o.type });
    Object.entries(o).forEach(([k, v]) => k !== 'fallback' && walk(v));
  };
  walk(card);
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('identity numbers in every free-text field of every card (HTTP, property-based)', function () {
  this.timeout(180_000);
  let h: Harness;
  let counsellor: User;
  let openTicket: { ticketId: string; version: number };
  let answeredTicket: { ticketId: string; version: number };
  let booking: { bookingId: string; version: number };
  let slot: Action;
  let more: Action;

  const personal = (u: User) => ({ from: u, conversation: { id: `a:personal-${u.id}`, conversationType: 'personal', tenantId: TENANT }, channelData: { tenant: { id: TENANT } } });
  const invoke = async (u: User, verb: string, data: Record<string, unknown>, inChannel = false) => {
    const r = await h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', ...(inChannel ? { ...fromChannel(TENANT), from: u } : personal(u)), value: { action: { type: 'Action.Execute', verb, data } } }));
    return r.body as { statusCode: number; type: string; value: unknown };
  };

  const form = { brukerAlias: 'AB', region: 'Nordfjord', format: 'teams', topic: 'karriereveiledning', duration: '45', interpreterLanguage: 'arabisk', timeOfDay: 'morning', veilederJoins: 'false', brukerEmail: 'bruker@example.no' };
  const ticketForm = { question: 'Kan bruker ta fagbrev på jobb?', section: 'fagopplaering', ageBand: '25+', grunnskole: 'ja', upperSecondary: 'delvis', norwegianLevel: 'B2', navMeasure: 'opplæringstiltak', deadline: '2027-02-01', office: 'NAV Fjordvik', consent: 'true' };

  /** For each action a template's button submits: who presses it, where, and its clean data. */
  const fixtures: Record<string, () => { user: User; inChannel?: boolean; data: Record<string, unknown> }> = {
    bookingFind: () => ({ user: kari, data: { ...form } }),
    bookingDecline: () => ({ user: counsellor, data: { ...booking, reason: 'Jeg er på kurs den dagen.' } }),
    bookingCancel: () => ({ user: kari, data: { ...booking, comment: 'Bruker har fått jobb.' } }),
    ticketCreate: () => ({ user: kari, data: { ...ticketForm } }),
    ticketAnswer: () => ({ user: ola, inChannel: true, data: { ...openTicket, text: 'Fagbrev på jobb passer best.' } }),
    ticketAsk: () => ({ user: ola, inChannel: true, data: { ...openTicket, askText: 'Hvor lenge har bruker jobbet?' } }),
    ticketAddInfo: () => ({ user: kari, data: { ...openTicket, text: 'Bruker har jobbet i åtte år.' } }),
    ticketReopen: () => ({ user: kari, data: { ...answeredTicket, text: 'Hva med praksiskandidat?' } }),
  };

  /** Every (template, field, action) from the templates, plus the form data that other cards carry again. */
  type Case = { what: string; id: string; verb: string; build: (value: string) => { user: User; inChannel?: boolean; data: Record<string, unknown>; fields: Record<string, unknown> } };
  function cases(): Case[] {
    const out: Case[] = [];
    for (const [template, fields] of TEXT_INPUTS) {
      for (const f of fields) {
        for (const verb of new Set(f.verbs)) {
          const fixture = fixtures[verb];
          assert.ok(fixture, `no fixture for ${verb} (field ${f.id} in ${template}.json): add one, so the field is tested`);
          out.push({ what: `${template}.json ${f.id} → ${verb}`, id: f.id, verb, build: (value) => {
            const x = fixture();
            const data = { ...x.data, [f.id]: value };
            return { ...x, data, fields: data };
          } });
        }
      }
    }
    // The booking form's data rides again in the slot buttons ("draft"): an old card, or a forged one.
    for (const f of TEXT_INPUTS.get('booking-form')!) {
      for (const verb of ['bookingRequest', 'bookingMore']) {
        out.push({ what: `slots card draft ${f.id} → ${verb}`, id: f.id, verb, build: (value) => {
          const draft = { ...form, duration: 45, veilederJoins: false, [f.id]: value };
          const base = verb === 'bookingRequest' ? slot.data! : more.data!;
          return { user: kari, data: { ...base, draft: JSON.stringify(draft) }, fields: draft };
        } });
      }
    }
    // "Send til utdanningsteamet" carries the question into the form.
    out.push({ what: 'escalate.json question → ticketForm', id: 'question', verb: 'ticketForm', build: (value) => ({ user: kari, data: { question: value }, fields: { question: value } }) });
    return out.filter((c, i) => out.findIndex((x) => x.what === c.what) === i);
  }

  const snapshot = async () => JSON.stringify({
    t: (await h.app.store.listTickets()).map((t) => [t.id, t.version, t.state]),
    b: (await h.app.store.listBookings()).map((b) => [b.id, b.version, b.state]),
    o: (await h.app.store.listOutbox()).length,
    q: (await h.app.store.listQuestions()).length,
  });

  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: TENANT, RATE_LIMIT_PER_MINUTE: '0' });
    h.roster.push({ ...eva, userRole: 'owner' }, { ...ola, userRole: 'user' }, { ...kari, email: 'kari.veileder@nav.example.no' });
    await chooseChannel(h, eva, TENANT);
    // Two tickets: one open (answer, ask, add information), one answered (follow-up).
    for (const question of ['Kan bruker ta fagbrev på jobb uten læreplass?', 'Kan bruker bli praksiskandidat i barne- og ungdomsarbeiderfaget?']) {
      assert.equal((await invoke(kari, 'ticketCreate', { question, section: 'fagopplaering', consent: 'true' })).statusCode, 200);
    }
    const [t1, t2] = await h.app.store.listTickets();
    openTicket = { ticketId: t1.id, version: t1.version };
    assert.equal((await invoke(ola, 'ticketAnswer', { ticketId: t2.id, version: t2.version, text: 'Ja, med fem års allsidig praksis.' }, true)).statusCode, 200);
    const answered = (await h.app.store.getTicket(t2.id))!;
    assert.equal(answered.state, 'besvart');
    answeredTicket = { ticketId: answered.id, version: answered.version };
    // A held booking, its counsellor linked, and a slots card (its buttons carry the form's data).
    const slots = (await invoke(kari, 'bookingFind', { ...form })).value as { actions: Action[] };
    slot = slots.actions.find((a) => a.verb === 'bookingRequest')!;
    more = slots.actions.find((a) => a.verb === 'bookingMore')!;
    assert.ok(slot && more, 'slots and "Andre tider"');
    const name = String(slot.title).split(' – ')[1];
    counsellor = { id: '29:user-counsellor', name, aadObjectId: 'aad-counsellor' };
    await h.post(teamsActivity(h, { ...personal(counsellor), text: `jeg er rådgiver ${name}` }));
    await h.waitForSent((s) => s.conversationId === `a:personal-${counsellor.id}` && String(s.activity.text).includes('registrert'));
    await invoke(kari, 'bookingRequest', slot.data!);
    const [b] = await h.app.store.listBookings();
    assert.equal(b?.state, 'holdt');
    booking = { bookingId: b.id, version: b.version };
    // Let the setup's own deliveries (channel cards, the answer, the request) finish going out.
    let last = -1;
    for (let i = 0; i < 100 && (last !== h.sent.length || (await h.app.store.listOutbox()).some((m) => m.status === 'pending')); i++) {
      last = h.sent.length;
      await new Promise((res) => setTimeout(res, 150));
    }
  });
  after(async () => h?.close());

  it('derives its cases from the templates: every free-text field, every action that submits it', () => {
    const all = cases();
    for (const [template, fields] of TEXT_INPUTS) for (const f of fields) assert.ok(all.some((c) => c.id === f.id && c.what.startsWith(`${template}.json`)), `${template}.json ${f.id}`);
    assert.ok(all.length >= 15, `${all.length} cases`);
  });

  it('refuses, stores nothing, sends nothing, shows the number only masked, and keeps every other field', async () => {
    const used: { n: string; text: string }[] = [];
    const all = cases();
    for (const c of all) await fc.assert(fc.asyncProperty(written, words, words, async (num, before, after) => {
      used.push(num);
      const value = `${before}${before ? ' ' : ''}${num.text}${after ? ' ' : ''}${after}`;
      const { user, inChannel, data, fields } = c.build(value);
      const store0 = await snapshot();
      const sent0 = h.sent.length;
      const r = await invoke(user, c.verb, data, inChannel);
      const where = `${c.what} with «${value}»`;
      // Refused, with a card that says so.
      assert.equal(r.statusCode, 200, where);
      assert.equal(r.type, 'application/vnd.microsoft.card.adaptive', where);
      const card = r.value as Card;
      const shown = JSON.stringify(card);
      assert.match(shown, /fødselsnummer eller D-nummer, så ingenting er lagret eller sendt/, where);
      // Never shown back unmasked.
      assert.ok(!shown.includes(num.n) && !shown.includes(num.text) && !containsIdentityNumber(shown), `${where}: ${shown.slice(0, 300)}`);
      // The offending field is named by its label, and comes back masked or empty.
      const own = textInputsOf(card).find((i) => i.id === c.id && i.verbs.includes(c.verb === 'bookingRequest' || c.verb === 'bookingMore' ? 'bookingFind' : c.verb === 'ticketForm' ? 'ticketCreate' : c.verb));
      assert.ok(own, `${where}: the field is on the returned card`);
      assert.ok(own.label && shown.includes(`«${own.label}»`), `${where}: names «${own.label}»`);
      const back = inputs(card).filter((i) => i.id === c.id && i.value !== undefined).map((i) => String(i.value));
      for (const v of back) assert.ok(v === '' || (v === maskIdentityNumbers(value) && v.includes(IDENTITY_PLACEHOLDER)), `${where}: came back as «${v}»`);
      // Every other field as it was submitted.
      const cardInputs = inputs(card);
      for (const [k, v] of Object.entries(fields)) {
        if (k === c.id) continue;
        const i = cardInputs.find((x) => x.id === k);
        if (!i) continue; // not a field of the returned card (ticketId, version, …)
        assert.equal(String(i.value), String(v), `${where}: ${k} kept`);
      }
      // Nothing stored, nothing sent.
      assert.equal(await snapshot(), store0, `${where}: store unchanged`);
      assert.equal(h.sent.length, sent0, `${where}: nothing sent`);
    }), { numRuns: 12 });
    assert.ok(used.length >= all.length * 12);

    // Nothing went out later either (the outbox), and nothing of it is in the data files or the logs.
    await new Promise((res) => setTimeout(res, 400));
    const sent = JSON.stringify(h.sent);
    const files = filesUnder(h.dataDir).map((f) => readFileSync(f, 'utf8')).join('\n');
    const stored = JSON.stringify([await h.app.store.listTickets(), await h.app.store.listBookings(), await h.app.store.listOutbox(), await h.app.store.listQuestions()]);
    const logs = h.logs.join('');
    for (const { n, text } of used) {
      for (const [name, hay] of [['sent', sent], ['data files', files], ['store', stored], ['logs', logs]] as const) {
        assert.ok(!hay.includes(n) && !hay.includes(text), `${text} found in ${name}`);
      }
    }
    assert.ok(logs.includes('identity_number_refused'));
  });
});
