import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { isPublicHoliday } from '../../src/tickets/working-time.js';
import { cardOf, startHarness, teamsActivity, type Harness, type Sent } from '../helpers/harness.js';
import { validIdentityNumber } from '../helpers/identity.js';

const json = (x: unknown): string => JSON.stringify(x);
const kari = { id: '29:user-kari', name: 'Kari Veileder', aadObjectId: 'aad-kari' };
const per = { id: '29:user-per', name: 'Per Veileder', aadObjectId: 'aad-per' };
const ingrid = { id: '29:user-ingrid', name: 'Ingrid Solheim', aadObjectId: 'aad-ingrid' };
type Action = { type: string; verb?: string; title?: string; data?: Record<string, unknown> };
/** Every input of a card with its value. */
function inputsOf(card: unknown): { id: string; value: unknown }[] {
  const out: { id: string; value: unknown }[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') out.push({ id: o.id, value: o.value });
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

describe('booking a three-way talk over HTTP (embedded calendar, demo counsellors)', function () {
  this.timeout(60_000);
  let h: Harness;
  let now: Date | undefined; // undefined = the real time
  before(async () => {
    h = await startHarness({ ALLOWED_TENANT_IDS: 'tenant-fjordvik' }, { clock: () => now ?? new Date() });
    h.roster.push({ ...kari, email: 'kari.veileder@nav.example.no' });
  });
  after(async () => h?.close());

  const personal = (u: typeof kari) => ({ from: u, conversation: { id: `a:personal-${u.id}`, conversationType: 'personal', tenantId: 'tenant-fjordvik' } });
  const invoke = (u: typeof kari, verb: string, data: Record<string, unknown>) =>
    h.post(teamsActivity(h, { type: 'invoke', name: 'adaptiveCard/action', ...personal(u), value: { action: { type: 'Action.Execute', verb, data } } }));
  const value = (r: { body: unknown }) => (r.body as { statusCode: number; value: Record<string, unknown> });
  const waitFor = (pred: (s: Sent) => boolean, from: number, ms = 5000): Promise<Sent> => h.waitForSent(pred, from, ms);
  const draft = { brukerAlias: 'AB', region: 'Nordfjord', format: 'teams', topic: 'karriereveiledning', duration: 45, timeOfDay: 'any', veilederJoins: 'true' };
  let slotActions: Action[] = [];

  it('asking in one\'s own words to book a three-way talk opens the form; a question about the cooperation agreement stays a question', async () => {
    for (const text of ['kan jeg bestille trepartssamtale?', 'Hvordan booker jeg en samtale med karriereveileder', 'sette opp trepartsmøte med bruker']) {
      const from = h.sent.length;
      await h.post(teamsActivity(h, { ...personal(kari), text }));
      const card = await waitFor((s) => s.conversationId === `a:personal-${kari.id}`, from);
      assert.match(json(cardOf(card)), /Bestill en trepartssamtale/, text);
    }
    const from = h.sent.length;
    await h.post(teamsActivity(h, { ...personal(kari), text: 'avtale om trepartssamarbeid mellom NAV og fylket' }));
    const faq = await waitFor((s) => s.conversationId === `a:personal-${kari.id}`, from);
    assert.doesNotMatch(json(cardOf(faq)), /Bestill en trepartssamtale/, 'the cooperation agreement is a question, not a booking');
  });

  it('"book" shows the form; the form gives 3–5 concrete slots on different days', async () => {
    const from = h.sent.length;
    await h.post(teamsActivity(h, { ...personal(kari), text: 'book' }));
    const form = await waitFor((s) => s.conversationId === `a:personal-${kari.id}`, from);
    assert.match(json(cardOf(form)), /Bestill en trepartssamtale/);
    const regionOf = (card: unknown) => (json(card).match(/"id":"region"[^}]*?"value":"([^"]*)"/) ?? [])[1] ?? '';
    assert.equal(regionOf(cardOf(form)), '', 'no region chosen in advance');
    const noRegion = await invoke(kari, 'bookingFind', { ...draft, region: '' });
    assert.match(json(value(noRegion).value), /Sjekk feltene: region/, 'a region must be chosen');
    const r = await invoke(kari, 'bookingFind', draft);
    // The next form starts in the region Kari booked in.
    assert.equal(regionOf(value(await invoke(kari, 'bookingForm', {})).value), 'Nordfjord');
    const card = value(r).value as { actions: Action[] };
    slotActions = card.actions.filter((a) => a.verb === 'bookingRequest');
    assert.ok(slotActions.length >= 3 && slotActions.length <= 5, `${slotActions.length} slots`);
    const days = new Set(slotActions.map((a) => String(a.data?.start).slice(0, 10)));
    assert.equal(days.size, slotActions.length, 'different days');
    assert.ok(card.actions.some((a) => a.verb === 'bookingMore'), '"Andre tider"');
    const more = await invoke(kari, 'bookingMore', card.actions.find((a) => a.verb === 'bookingMore')!.data!);
    const next = (value(more).value as { actions: Action[] }).actions.filter((a) => a.verb === 'bookingRequest');
    assert.ok(next.every((a) => !slotActions.some((s) => s.data?.start === a.data?.start && s.data?.mailbox === a.data?.mailbox)), 'Andre tider are new times');
  });

  it('a counsellor links themselves; a request holds the slot and reaches them; accepting creates the event and tells both', async () => {
    const slot = slotActions[0];
    const counsellorName = String(slot.title).split(' – ')[1];
    const counsellor = { ...ingrid, name: counsellorName };
    const f0 = h.sent.length;
    await h.post(teamsActivity(h, { ...personal(counsellor), text: `jeg er rådgiver ${counsellorName}` }));
    await waitFor((s) => s.conversationId === `a:personal-${counsellor.id}` && String(s.activity.text).includes('registrert'), f0);

    const from = h.sent.length;
    const r = await invoke(kari, 'bookingRequest', slot.data!);
    assert.match(json(value(r).value), /Venter på svar fra rådgiveren/);
    const [b] = await h.app.store.listBookings();
    assert.equal(b.state, 'holdt');
    const request = await waitFor((s) => s.conversationId === `a:personal-${counsellor.id}` && json(s.activity).includes('bookingAccept'), from);
    assert.match(json(request.activity), /AB/);

    const acc = await invoke(counsellor, 'bookingAccept', { bookingId: b.id, version: b.version });
    assert.match(json(value(acc).value), /Bekreftet/);
    const done = await h.app.store.getBooking(b.id);
    assert.equal(done?.state, 'bekreftet');
    const events = await h.app.store.listCalendarEvents(b.counsellor.mailbox, new Date(b.start), new Date(b.end));
    const event = events.find((e) => e.subject === 'Trepartssamtale – karriereveiledning' && !e.isCancelled);
    assert.ok(event);
    assert.deepEqual(event.attendees.map((a) => a.email), ['kari.veileder@nav.example.no'], 'the veileder is invited by e-mail');
    const toKari = await waitFor((s) => s.conversationId === `a:personal-${kari.id}` && json(s.activity).includes('er bekreftet'), from);
    // The embedded calendar makes no real Teams meeting: no join button that pretends, and it says so.
    assert.doesNotMatch(json(toKari.activity), /meetup-join|Bli med i Teams-møtet/);
    assert.match(json(toKari.activity), /Teams-møtet er bare en demo/);
    // An .ics file for a bruker without Teams, behind a signed link.
    const ics = /"url":"([^"]+\.ics\?sig=[^"]+)"/.exec(json(toKari.activity))?.[1];
    assert.ok(ics, 'the confirmation offers an .ics file');
    const res = await fetch(ics);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/calendar/);
    const body = await res.text();
    assert.match(body, new RegExp(`DTSTART:${b.start.replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`));
    assert.match(body, /SUMMARY:Trepartssamtale/);
    assert.ok(!body.includes('AB'), 'no bruker alias in the file');
    const forged = await fetch(ics.replace(/sig=[^&]+/, 'sig=forged'));
    assert.equal(forged.status, 404);
  });

  it('two veiledere choosing the same slot at once: one gets it, the other gets fresh suggestions', async () => {
    const slot = slotActions[1];
    const [a, b] = await Promise.all([invoke(kari, 'bookingRequest', slot.data!), invoke(per, 'bookingRequest', slot.data!)]);
    const texts = [json(value(a).value), json(value(b).value)];
    assert.equal(texts.filter((t) => t.includes('Venter på svar')).length, 1);
    assert.equal(texts.filter((t) => t.includes('nettopp tatt')).length, 1);
    const active = (await h.app.store.listBookings()).filter((x) => x.start === slot.data!.start && x.state === 'holdt');
    assert.equal(active.length, 1, 'never a double booking');
  });

  it('only the counsellor can accept; a decline reaches the veileder with a way to find new times', async () => {
    const held = (await h.app.store.listBookings()).find((x) => x.state === 'holdt');
    assert.ok(held);
    const forged = await invoke(kari, 'bookingAccept', { bookingId: held.id, version: held.version });
    assert.equal(value(forged).statusCode, 403);
    // Someone who is neither side never sees the talk, whatever the refusal would have been.
    const stranger = { id: '29:user-fremmed', name: 'Frida Fremmed', aadObjectId: 'aad-fremmed' };
    for (const [verb, extra] of [['bookingAcceptProposal', {}], ['bookingPropose', { proposeDate: '2026-13-45', proposeTime: '10:00' }], ['bookingCancel', {}]] as const) {
      const peek = value(await invoke(stranger, verb, { bookingId: held.id, version: held.version, ...extra }));
      assert.equal(peek.statusCode, 403, verb);
      assert.ok(!json(peek).includes(held.counsellor.name) && !json(peek).includes(held.brukerAlias), `${verb}: nothing of the talk shown`);
    }
    const counsellor = { id: '29:user-counsellor-2', name: held.counsellor.name, aadObjectId: 'aad-counsellor-2' };
    const f0 = h.sent.length;
    await h.post(teamsActivity(h, { ...personal(counsellor), text: `jeg er rådgiver ${held.counsellor.name}` }));
    await waitFor((s) => s.conversationId === `a:personal-${counsellor.id}` && String(s.activity.text).includes('registrert'), f0);
    const from = h.sent.length;
    const d = await invoke(counsellor, 'bookingDecline', { bookingId: held.id, version: held.version, reason: 'Jeg er på kurs den dagen.' });
    assert.match(json(value(d).value), /Avslått/);
    const told = await waitFor((s) => s.conversationId === `a:personal-${held.veileder.id.replace('aad-', '29:user-')}` && json(s.activity).includes('kan ikke ta samtalen'), from);
    assert.match(json(told.activity), /bookingRetry/);
    assert.equal(String(told.activity.text), `${held.counsellor.name} kan ikke ta samtalen: Jeg er på kurs den dagen. Finn nye tider under.`, 'one full stop between the reason and what follows');
  });

  it('refuses an identity number or a full name as the bruker alias', async () => {
    const r = await invoke(kari, 'bookingFind', { ...draft, brukerAlias: 'Anne Marie Berg' });
    assert.match(json(value(r).value), /initialer/);
    const fnr = validIdentityNumber('020385');
    const at = h.sent.length;
    const refused = await invoke(kari, 'bookingFind', { ...draft, brukerAlias: fnr });
    const card = json(value(refused).value);
    assert.doesNotMatch(card, /bookingRequest/, 'refused at once, not carried in the slot buttons');
    assert.ok(!card.includes(fnr), 'the number is not shown again');
    assert.match(card, /«Brukerens initialer eller kallenavn» ser ut til å inneholde et fødselsnummer/);
    assert.equal(h.sent.length, at);
  });

  it('refuses an identity number in the interpreter field, keeps the other fields, and stores and sends nothing', async () => {
    const fnr = validIdentityNumber('020385');
    const before = json(await h.app.store.listBookings());
    const at = h.sent.length;
    const r = await invoke(kari, 'bookingFind', { ...draft, brukerAlias: 'GH', interpreterLanguage: `arabisk, ${fnr.slice(0, 6)} ${fnr.slice(6)}`, timeOfDay: 'morning', veilederJoins: 'false', brukerEmail: 'gh@example.no' });
    const card = value(r).value;
    const s = json(card);
    assert.ok(!s.includes(fnr) && !s.includes(fnr.slice(6)), 'no part of the number on the card');
    assert.doesNotMatch(s, /bookingRequest/);
    assert.match(s, /«Tolk \(språk\), hvis det trengs» ser ut til å inneholde et fødselsnummer eller D-nummer, så ingenting er lagret eller sendt/);
    const inputs = Object.fromEntries(inputsOf(card).map((i) => [i.id, i.value]));
    assert.deepEqual(
      { brukerAlias: inputs.brukerAlias, region: inputs.region, format: inputs.format, topic: inputs.topic, duration: String(inputs.duration), timeOfDay: inputs.timeOfDay, veilederJoins: inputs.veilederJoins, brukerEmail: inputs.brukerEmail },
      { brukerAlias: 'GH', region: 'Nordfjord', format: 'teams', topic: 'karriereveiledning', duration: '45', timeOfDay: 'morning', veilederJoins: 'false', brukerEmail: 'gh@example.no' },
    );
    assert.equal(inputs.interpreterLanguage, 'arabisk, [fødselsnummer fjernet]');
    assert.equal(json(await h.app.store.listBookings()), before);
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(h.sent.length, at);
  });

  it('sends the veileder a reminder 24 hours before a confirmed talk, once', async () => {
    const b = (await h.app.store.listBookings()).find((x) => x.state === 'bekreftet');
    assert.ok(b);
    now = new Date(Date.parse(b.start) - 25 * 3_600_000);
    assert.deepEqual(await h.app.bookings.sendReminders(24), []);
    now = new Date(Date.parse(b.start) - 23 * 3_600_000);
    const from = h.sent.length;
    assert.deepEqual(await h.app.bookings.sendReminders(24), [b.id]);
    const reminder = await waitFor((s) => s.conversationId === `a:personal-${kari.id}` && json(s.activity).includes('Påminnelse'), from);
    assert.match(json(reminder.activity), new RegExp(b.id));
    assert.deepEqual(await h.app.bookings.sendReminders(24), [], 'once');
    now = undefined;
  });

  async function freshSlot(): Promise<{ action: Action; counsellor: typeof kari }> {
    const r = await invoke(kari, 'bookingFind', { ...draft, brukerAlias: 'EF' });
    const action = ((value(r).value as { actions: Action[] }).actions).find((a) => a.verb === 'bookingRequest');
    assert.ok(action, 'a free slot');
    const name = String(action.title).split(' – ')[1];
    const counsellor = { id: `29:user-${name.replace(/\W/g, '')}`, name, aadObjectId: `aad-${name.replace(/\W/g, '')}` };
    const f0 = h.sent.length;
    await h.post(teamsActivity(h, { ...personal(counsellor), text: `jeg er rådgiver ${name}` }));
    await waitFor((x) => x.conversationId === `a:personal-${counsellor.id}` && String(x.activity.text).includes('registrert'), f0);
    return { action, counsellor };
  }

  it('the counsellor proposes another time; the veileder accepts it; the talk is booked at that time', async () => {
    const { action, counsellor } = await freshSlot();
    await invoke(kari, 'bookingRequest', action.data!);
    const b = (await h.app.store.listBookings()).at(-1)!;
    const from = h.sent.length;
    // A Tuesday about six weeks ahead that is a working day, at 10:30 in Oslo (whatever today is).
    let day = DateTime.now().setZone('Europe/Oslo').plus({ weeks: 6 }).startOf('day');
    day = day.plus({ days: (9 - day.weekday) % 7 });
    while (isPublicHoliday(day)) day = day.plus({ weeks: 1 });
    const proposeDate = day.toISODate()!;
    const p = await invoke(counsellor, 'bookingPropose', { bookingId: b.id, version: b.version, proposeDate, proposeTime: '10:30' });
    assert.match(json(value(p).value), /foreslår et annet tidspunkt/);
    const told = await waitFor((x) => x.conversationId === `a:personal-${kari.id}` && json(x.activity).includes('bookingAcceptProposal'), from);
    assert.ok(told);
    const proposed = (await h.app.store.getBooking(b.id))!;
    const ok = await invoke(kari, 'bookingAcceptProposal', { bookingId: b.id, version: proposed.version });
    assert.match(json(value(ok).value), /Bekreftet/);
    const done = (await h.app.store.getBooking(b.id))!;
    assert.equal(done.start, day.set({ hour: 10, minute: 30 }).toUTC().toISO({ suppressMilliseconds: false }), '10:30 in Oslo on the proposed day');
  });

  it('cancelling from the veileder cancels the calendar event and tells the counsellor', async () => {
    const b = (await h.app.store.listBookings()).filter((x) => x.state === 'bekreftet').at(-1)!;
    const from = h.sent.length;
    const c = await invoke(kari, 'bookingCancel', { bookingId: b.id, version: b.version, comment: 'Bruker har fått jobb.' });
    assert.match(json(value(c).value), /Avlyst/);
    const ev = await h.app.store.getCalendarEvent(b.counsellor.mailbox, b.event!.id);
    assert.equal(ev?.isCancelled, true);
    await waitFor((x) => x.conversationId !== `a:personal-${kari.id}` && json(x.activity).includes('har avlyst'), from);
  });

  it('a counsellor cancelling a pending request tells the veileder, who can find new times', async () => {
    const { action, counsellor } = await freshSlot();
    await invoke(kari, 'bookingRequest', action.data!);
    const b = (await h.app.store.listBookings()).at(-1)!;
    assert.equal(b.state, 'holdt');
    const from = h.sent.length;
    const c = await invoke(counsellor, 'bookingCancel', { bookingId: b.id, version: b.version, comment: 'Jeg er syk.' });
    assert.match(json(value(c).value), /Avlyst/);
    const told = await waitFor((x) => x.conversationId === `a:personal-${kari.id}` && json(x.activity).includes('har avlyst'), from);
    assert.equal(String(told.activity.text), `${counsellor.name} har avlyst trepartssamtalen ${b.id}. Finn nye tider under.`);
    assert.match(json(told.activity), /"verb":"bookingRetry"/);
    assert.match(json(told.activity), /Finn nye tider/);
    const retry = await invoke(kari, 'bookingRetry', { bookingId: b.id });
    assert.ok(((value(retry).value as { actions: Action[] }).actions).some((a) => a.verb === 'bookingRequest'), 'fresh suggestions');
  });

  it('a hold nobody answers expires; the veileder is told and can find new times', async () => {
    const { action } = await freshSlot();
    await invoke(kari, 'bookingRequest', action.data!);
    const b = (await h.app.store.listBookings()).at(-1)!;
    now = new Date(Date.parse(b.holdUntil) + 60_000);
    const from = h.sent.length;
    assert.deepEqual(await h.app.bookings.expireHolds(), [b.id]);
    const told = await waitFor((x) => x.conversationId === `a:personal-${kari.id}` && json(x.activity).includes('svarte ikke i tide'), from);
    assert.match(json(told.activity), /bookingRetry/);
    now = undefined;
    const retry = await invoke(kari, 'bookingRetry', { bookingId: b.id });
    assert.ok(((value(retry).value as { actions: Action[] }).actions).some((a) => a.verb === 'bookingRequest'), 'fresh suggestions');
  });
});
