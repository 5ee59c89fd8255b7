import assert from 'node:assert/strict';
import {
  escalationFormCard, myTicketsCard, ticketCard, veilederTicketCard, type Member,
} from '../../src/bot/ticket-cards.js';
import { ticketTexts } from '../../src/text/tickets.nb.js';
import { AC, validateCard } from '../helpers/adaptive-cards.js';
import { STATES, type Ticket, type TicketEvent, type TicketState } from '../../src/tickets/model.js';

type Card = Record<string, unknown>;
interface Action { type: string; title?: string; verb?: string; data?: Record<string, unknown>; card?: Card; associatedInputs?: string; fallback?: Action }

const validate = validateCard;

function assertValid(card: Card, what: string): void {
  const s = JSON.stringify(card);
  assert.ok(!s.includes('${'), `unexpanded template expression in ${what}: ${s.slice(s.indexOf('${') - 60, s.indexOf('${') + 40)}`);
  assert.deepEqual(validate(card).events, [], what);
}

/** Every object in the card, depth first. */
function walk(node: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const [k, v] of Object.entries(node)) if (k !== 'fallback') walk(v, visit);
  }
}
const topActions = (card: Card): Action[] => (card.actions as Action[] | undefined) ?? [];
const titles = (card: Card): string[] => topActions(card).map((a) => a.title ?? '');
/** Every Action.Execute anywhere in the card (also inside show cards and action sets), except refresh. */
function executes(card: Card): Action[] {
  const out: Action[] = [];
  walk({ body: card.body, actions: card.actions }, (o) => {
    if (o.type === 'Action.Execute') out.push(o as unknown as Action);
  });
  return out;
}
const verbs = (card: Card): string[] => executes(card).map((a) => a.verb ?? '');
function input(card: Card, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith('Input.') && o.id === id) found = o;
  });
  return found;
}
/** All the text the card shows (TextBlocks and TextRuns), in order. */
function texts(card: Card): string[] {
  const out: string[] = [];
  walk(card.body, (o) => {
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'RichTextBlock') out.push(((o.inlines as { text: string }[]) ?? []).map((i) => i.text).join(''));
  });
  return out;
}
const shown = (card: Card): string => texts(card).join('\n');

// ---------------------------------------------------------------- realistic tickets

const NOW = new Date('2026-11-21T09:04:00Z'); // 10.04 in Oslo (CET)
const veileder = { id: 'aad-veileder-1', name: 'Vera Veileder', conversationKey: 'personal:a:1' };
const ola = { id: 'aad-ola', name: 'Ola Rådgiver' };
const kari = { id: 'aad-kari', name: 'Kari Nordmann' };
const members: Member[] = [ola, kari, { id: 'aad-per', name: 'Per Fagleder' }];
const QUESTION = 'Bruker er 27 år, har fullført grunnskole i Norge og har to år med yrkesfag (elektro) fra før. Kan hun ta fagbrev som praksiskandidat, eller må hun søke læreplass?';
const ANSWER = 'Ja, hun kan gå opp som praksiskandidat når hun har 5 års allsidig praksis. Alternativt kan hun søke læreplass med godskriving av Vg1/Vg2.';

function ev(at: string, actor: { id: string; name: string }, action: TicketEvent['action'], extra: Partial<TicketEvent> = {}): TicketEvent {
  return { at, actor: { id: actor.id, name: actor.name }, action, ...extra };
}

function ticketIn(state: TicketState, over: Partial<Ticket> = {}): Ticket {
  const created = '2026-11-21T08:52:00Z';
  const base: Ticket = {
    id: 'UT-2026-0042', year: 2026, number: 42, version: 1, state: 'ny', section: 'fagopplaering', region: 'Romerike',
    question: QUESTION,
    situation: { ageBand: '25+', grunnskole: 'ja', upperSecondary: 'delvis', norwegianLevel: 'B2', navMeasure: 'Opplæringstiltak', deadline: '2026-12-01' },
    office: 'NAV Lillestrøm', consentAt: created, requester: veileder,
    history: [ev(created, veileder, 'opprettet', { to: 'ny' })], createdAt: created, updatedAt: created,
  };
  const t = { ...base };
  const push = (e: TicketEvent) => { t.history = [...t.history, e]; t.version += 1; t.updatedAt = e.at; };
  if (state !== 'ny' && state !== 'trukket') {
    push(ev('2026-11-21T08:54:00Z', ola, 'tatt', { from: 'ny', to: 'tatt' }));
    t.state = 'tatt';
    t.owner = { ...ola, since: '2026-11-21T08:54:00Z' };
  }
  if (state === 'venter') {
    push(ev('2026-11-21T08:57:00Z', ola, 'spurt', { from: 'tatt', to: 'venter', note: 'Hvor lang praksis har hun fra elektrofaget?' }));
    t.state = 'venter';
    t.pendingQuestion = { text: 'Hvor lang praksis har hun fra elektrofaget?', by: ola, at: '2026-11-21T08:57:00Z' };
  }
  if (state === 'besvart' || state === 'lukket') {
    push(ev('2026-11-21T09:02:00Z', ola, 'besvart', { from: 'tatt', to: 'besvart', note: ANSWER }));
    t.state = 'besvart';
    t.answer = { text: ANSWER, by: ola, at: '2026-11-21T09:02:00Z' };
  }
  if (state === 'lukket') {
    push(ev('2026-11-21T09:03:00Z', veileder, 'lost', { from: 'besvart', to: 'lukket' }));
    t.state = 'lukket';
    t.closedAt = '2026-11-21T09:03:00Z';
  }
  if (state === 'trukket') {
    push(ev('2026-11-21T08:55:00Z', veileder, 'trukket', { from: 'ny', to: 'trukket' }));
    t.state = 'trukket';
    t.closedAt = '2026-11-21T08:55:00Z';
  }
  return { ...t, ...over };
}

// ---------------------------------------------------------------- tests

describe('Ticket cards', () => {
  describe('every template, expanded with realistic data in every state and view, parses and validates', () => {
    it('escalate-form.json: empty, prefilled, with an error and with a region', () => {
      assertValid(escalationFormCard({}), 'empty form');
      assertValid(escalationFormCard({ question: QUESTION, section: 'inntak', office: 'NAV Lillestrøm', region: 'Romerike' }), 'prefilled form');
      assertValid(escalationFormCard({ question: QUESTION, error: 'Spørsmålet ser ut til å inneholde et fødselsnummer eller D-nummer.' }), 'form with error');
    });

    for (const state of STATES) {
      it(`ticket.json in state ${state}: team view (with members, refresh, notice) and base view`, () => {
        const t = ticketIn(state);
        assertValid(ticketCard(t, { view: 'team', now: NOW, members, refreshUserIds: members.map((x) => x.id), notice: 'Saken ble tatt av Kari Nordmann for 2 min siden.' }), `team ${state}`);
        assertValid(ticketCard(t, { view: 'team', now: NOW }), `team ${state} without members`);
        assertValid(ticketCard(t, { view: 'base', now: NOW, refreshUserIds: ['aad-ola'] }), `base ${state}`);
        assertValid(ticketCard({ ...t, deliveryProblem: 'Veilederen har fjernet appen (403).' }, { view: 'base', now: NOW }), `base ${state} with delivery problem`);
        assertValid(ticketCard({ ...t, region: undefined, office: undefined, situation: {} }, { view: 'team', now: NOW, members }), `team ${state}, bare`);
      });

      it(`ticket-veileder.json in state ${state}, with and without reopening allowed`, () => {
        const t = ticketIn(state);
        assertValid(veilederTicketCard(t, { now: NOW, canReopen: true, notice: 'Svaret ditt er sendt til teamet.' }), `veileder ${state}`);
        assertValid(veilederTicketCard(t, { now: NOW, canReopen: false }), `veileder ${state} no reopen`);
      });
    }

    it('ticket.json and ticket-veileder.json after retention removed the texts', () => {
      const t = { ...ticketIn('lukket'), question: '', answer: { ...ticketIn('lukket').answer!, text: '' }, redactedAt: '2027-05-20T02:00:00Z' };
      const later = new Date('2027-05-21T08:00:00Z');
      const card = ticketCard(t, { view: 'team', now: later, members });
      assertValid(card, 'redacted channel card');
      assert.match(shown(card), /Teksten i saken er slettet etter lagringstiden \(20\. mai kl\. 04\.00\)/);
      assert.ok(!verbs(card).includes('ticketSaveFaq'), 'a deleted answer cannot be saved as FAQ');
      assertValid(veilederTicketCard(t, { now: later, canReopen: false }), 'redacted veileder card');
      assertValid(myTicketsCard([t], { now: later }), 'redacted in mine saker');
    });

    it('my-tickets.json: empty, a few, and more than 20', () => {
      assertValid(myTicketsCard([], { now: NOW }), 'empty');
      assertValid(myTicketsCard(STATES.map((s) => ticketIn(s)), { now: NOW }), 'all states');
      assertValid(myTicketsCard(Array.from({ length: 25 }, (_, i) => ticketIn('ny', { id: `UT-2026-${String(i + 1).padStart(4, '0')}`, number: i + 1 })), { now: NOW }), '25 tickets');
    });
  });

  describe('the escalation form', () => {
    it('has the title, the privacy line and the inputs the bot reads, prefilled', () => {
      const card = escalationFormCard({ question: QUESTION, section: 'eksamen', office: 'NAV Lillestrøm' });
      const text = shown(card);
      assert.match(text, /^Send saken til utdanningsteamet/);
      assert.match(text, /svarer|behandler saken i Teams/);
      assert.match(text, /navn, fødselsnummer, helseopplysninger eller opplysninger om ytelser/);
      assert.match(text, /avvist/);
      const q = input(card, 'question')!;
      assert.equal(q.type, 'Input.Text');
      assert.equal(q.isMultiline, true);
      assert.equal(q.isRequired, true);
      assert.equal(q.maxLength, 2000);
      assert.equal(q.value, QUESTION);
      assert.equal(input(card, 'section')!.value, 'eksamen');
      assert.equal(input(card, 'office')!.value, 'NAV Lillestrøm');
      const ids = ['question', 'section', 'ageBand', 'grunnskole', 'upperSecondary', 'norwegianLevel', 'navMeasure', 'deadline', 'office', 'consent'];
      for (const id of ids) assert.ok(input(card, id), `input ${id}`);
      assert.equal(input(card, 'deadline')!.type, 'Input.Date');
      const nav = input(card, 'navMeasure')!;
      assert.equal(nav.maxLength, 200);
      assert.equal(nav.label, 'NAV-tiltak det gjelder (kort)');
      assert.equal(input(card, 'office')!.label, 'NAV-kontor');
      for (const id of ['ageBand', 'grunnskole', 'upperSecondary', 'norwegianLevel', 'navMeasure', 'deadline', 'office']) {
        assert.ok(!input(card, id)!.isRequired, `${id} is optional`);
      }
    });

    it('offers the sections and the mapping form\'s choices in Norwegian', () => {
      const card = escalationFormCard({});
      const choices = (id: string) => (input(card, id)!.choices as { title: string; value: string }[]).map((c) => `${c.value}=${c.title}`);
      assert.deepEqual(choices('section'), ['fagopplaering=Fagopplæring', 'inntak=Inntak', 'realkompetansevurdering=Realkompetansevurdering', 'eksamen=Eksamen', 'dokumentasjon=Dokumentasjon', 'annet=Annet']);
      assert.deepEqual(choices('ageBand'), ['under-19=Under 19', '19-24=19–24', '25+=25 eller eldre']);
      assert.deepEqual(choices('grunnskole'), ['ja=Ja', 'nei=Nei', 'utlandet=Fra utlandet']);
      assert.deepEqual(choices('upperSecondary'), ['ingen=Ingen', 'delvis=Delvis', 'fullfort-omvalg=Fullført, trenger omvalg', 'utlandet-ikke-godkjent=Fra utlandet, ikke godkjent']);
      assert.deepEqual(choices('norwegianLevel'), ['ukjent=Ukjent', 'A1=A1', 'A2=A2', 'B1=B1', 'B2=B2', 'C1=C1']);
      assert.equal(input(card, 'question')!.value, '');
    });

    it('does not submit without the bruker\'s consent: the toggle is required and off until ticked', () => {
      const card = escalationFormCard({ question: QUESTION });
      const consent = input(card, 'consent')!;
      assert.equal(consent.type, 'Input.Toggle');
      assert.equal(consent.isRequired, true);
      assert.equal(consent.valueOn, 'true');
      assert.equal(consent.valueOff, 'false');
      assert.equal(consent.title, 'Bruker har samtykket til at saken drøftes i utdanningsteamet');
      assert.ok(typeof consent.errorMessage === 'string' && consent.errorMessage.length > 10);
      // The renderer itself refuses to submit: the required toggle fails validation until it is ticked.
      const c = new AC.AdaptiveCard();
      c.parse(card);
      const element: HTMLElement = c.render();
      const toggle = c.getElementById('consent');
      assert.equal(toggle.validateValue(), false);
      const checkbox = element.querySelector<HTMLInputElement>('input[type=checkbox]')!;
      checkbox.checked = true;
      assert.equal(toggle.value, 'true');
      assert.equal(toggle.validateValue(), true);
    });

    it('comes back with every field as submitted (a refused form keeps what was filled in), where it fits', () => {
      const filled = { question: QUESTION, section: 'eksamen', ageBand: '19-24', grunnskole: 'utlandet', upperSecondary: 'fullfort-omvalg', norwegianLevel: 'B1', navMeasure: 'opplæringstiltak', deadline: '2027-03-01', office: 'NAV Lillestrøm', consent: 'true' };
      const card = escalationFormCard({ values: filled, error: 'Saken kan bare sendes når bruker har samtykket.' });
      assertValid(card, 'refilled form');
      for (const [id, v] of Object.entries(filled)) assert.equal(input(card, id)!.value, v, id);
      const forged = escalationFormCard({ values: { section: 'hemmelig', ageBand: '<script>', deadline: 'i morgen', consent: 'ja' } });
      assert.equal(input(forged, 'section')!.value, '');
      for (const id of ['ageBand', 'deadline']) assert.equal(input(forged, id)!.value, undefined, id);
      assert.equal(input(forged, 'consent')!.value, 'false');
    });

    it('shows the error line only when given, in red', () => {
      assert.ok(!shown(escalationFormCard({})).includes('avvist.\nSpørsmålet ser'));
      const card = escalationFormCard({ error: 'Spørsmålet ser ut til å inneholde et fødselsnummer.' });
      let red = false;
      walk(card.body, (o) => { if (o.text === 'Spørsmålet ser ut til å inneholde et fødselsnummer.' && o.color === 'Attention') red = true; });
      assert.ok(red);
      let errorLines = 0;
      walk(escalationFormCard({}).body, (o) => { if (o.type === 'TextBlock' && o.color === 'Attention') errorLines++; });
      assert.equal(errorLines, 1, 'only the privacy line is red without an error');
    });

    it('submits with ticketCreate (all inputs) and cancels with ticketFormCancel (no inputs)', () => {
      const card = escalationFormCard({ region: 'Romerike' });
      const [send, cancel] = topActions(card);
      assert.deepEqual([send.type, send.verb, send.title, send.associatedInputs], ['Action.Execute', 'ticketCreate', 'Send til teamet', 'auto']);
      assert.deepEqual(send.data, { region: 'Romerike' });
      assert.deepEqual([cancel.type, cancel.verb, cancel.title, cancel.associatedInputs], ['Action.Execute', 'ticketFormCancel', 'Avbryt', 'none']);
      assert.deepEqual(topActions(escalationFormCard({})).map((a) => a.data), [{}, {}]);
    });
  });

  describe('the ticket card in the channel', () => {
    it('has the header, the age, the owner, the office, the region and the situation in Norwegian', () => {
      const card = ticketCard(ticketIn('ny'), { view: 'team', now: NOW, members });
      const text = shown(card);
      assert.equal(texts(card)[0], 'UT-2026-0042 · Fagopplæring · Ny');
      for (const line of ['Ventet: 12 min', 'Ansvarlig: Ingen ennå', 'NAV-kontor: NAV Lillestrøm', 'Region: Romerike', 'Aldersgruppe: 25 eller eldre',
        'Fullført grunnskole: Ja', 'Videregående opplæring: Delvis', 'Norsknivå: B2', 'NAV-tiltak: Opplæringstiltak', 'Frist: 1. des. 2026']) {
        assert.ok(texts(card).includes(line), `${line} in\n${text}`);
      }
      assert.ok(text.includes(QUESTION));
      assert.ok(texts(card).includes('21. nov. kl. 09.52 · Vera Veileder sendte saken'));
    });

    it('shows the age as minutes, hours or days, and the owner once taken', () => {
      const t = ticketIn('tatt');
      const at = (iso: string) => texts(ticketCard(t, { view: 'base', now: new Date(iso) })).find((x) => x.startsWith('Ventet: '));
      assert.equal(at('2026-11-21T08:52:30Z'), 'Ventet: under 1 min');
      assert.equal(at('2026-11-21T12:00:00Z'), 'Ventet: 3 t');
      assert.equal(at('2026-11-22T08:52:00Z'), 'Ventet: 1 dag');
      assert.equal(at('2026-11-23T12:00:00Z'), 'Ventet: 2 dager');
      assert.ok(texts(ticketCard(t, { view: 'base', now: NOW })).includes('Ansvarlig: Ola Rådgiver'));
      assert.equal(texts(ticketCard(t, { view: 'base', now: NOW }))[0], 'UT-2026-0042 · Fagopplæring · Tatt');
    });

    it('leaves out situation fields that are not set', () => {
      const text = shown(ticketCard(ticketIn('ny', { situation: { ageBand: 'under-19' }, region: undefined }), { view: 'base', now: NOW }));
      assert.match(text, /Aldersgruppe: Under 19/);
      assert.doesNotMatch(text, /Norsknivå|Frist|NAV-tiltak|Region|Videregående/);
    });

    it('shows the pending question while waiting, and the answer with who answered and when', () => {
      const venter = shown(ticketCard(ticketIn('venter'), { view: 'base', now: NOW }));
      assert.match(venter, /UT-2026-0042 · Fagopplæring · Venter på veileder/);
      assert.match(venter, /Spørsmål til veilederen fra Ola Rådgiver, 21\. nov\. kl\. 09\.57\nHvor lang praksis har hun fra elektrofaget\?/);
      const besvart = shown(ticketCard(ticketIn('besvart'), { view: 'base', now: NOW }));
      assert.match(besvart, /Svar fra Ola Rådgiver, 21\. nov\. kl\. 10\.02/);
      assert.ok(besvart.includes(ANSWER));
      assert.ok(shown(ticketCard(ticketIn('lukket'), { view: 'base', now: NOW })).includes(ANSWER));
    });

    it('shows the veileder\'s added information and follow-up question to the team', () => {
      const t = ticketIn('venter');
      const after: Ticket = {
        ...t, state: 'tatt', pendingQuestion: undefined, version: t.version + 1,
        history: [...t.history, ev('2026-11-21T09:00:00Z', veileder, 'info-lagt-til', { from: 'venter', to: 'tatt', note: 'Hun har 4 års praksis som elektriker.' })],
      };
      const text = shown(ticketCard(after, { view: 'team', now: NOW, members }));
      assert.match(text, /Spørsmål til veilederen fra Ola Rådgiver, 21\. nov\. kl\. 09\.57\nHvor lang praksis/);
      assert.match(text, /Tilleggsinformasjon fra veilederen, 21\. nov\. kl\. 10\.00\nHun har 4 års praksis som elektriker\./);
    });

    it('keeps a short history: the last 5 events, time, actor and action in Norwegian', () => {
      const t = ticketIn('lukket');
      const history = [...t.history,
        ev('2026-11-21T09:03:30Z', kari, 'lagret-som-faq'),
        ev('2026-11-21T09:03:45Z', { id: 'veiviser', name: 'Veiviser' }, 'leveringsfeil', { note: '403' }),
      ];
      const card = ticketCard({ ...t, history }, { view: 'team', now: NOW, members });
      const lines = texts(card).filter((x) => /^\d+\. \S+ kl\. /.test(x));
      assert.deepEqual(lines, [
        '21. nov. kl. 09.54 · Ola Rådgiver tok saken',
        '21. nov. kl. 10.02 · Ola Rådgiver svarte',
        '21. nov. kl. 10.03 · Vera Veileder markerte saken som løst',
        '21. nov. kl. 10.03 · Kari Nordmann lagret svaret som FAQ',
        '21. nov. kl. 10.03 · Veiviser kunne ikke levere en melding',
      ]);
      assert.ok(!verbs(card).includes('ticketSaveFaq'), 'an answer already saved as FAQ is not offered again');
      assert.match(shown(card), /Svaret er lagret som FAQ\./);
      const assigned = ticketCard({ ...t, history: [...t.history, ev('2026-11-21T09:03:00Z', ola, 'tildelt', { note: 'Kari Nordmann' })] }, { view: 'base', now: NOW });
      assert.ok(texts(assigned).includes('21. nov. kl. 10.03 · Ola Rådgiver tildelte saken til Kari Nordmann'));
    });

    it('shows times in Europe/Oslo across the daylight-saving changes, with the year when it is not this year', () => {
      const at = (iso: string, now = NOW) => texts(ticketCard(ticketIn('ny', { history: [ev(iso, veileder, 'opprettet')] }), { view: 'base', now })).find((x) => x.endsWith('sendte saken'));
      assert.equal(at('2026-03-29T00:30:00Z'), '29. mars kl. 01.30 · Vera Veileder sendte saken');
      assert.equal(at('2026-03-29T01:30:00Z'), '29. mars kl. 03.30 · Vera Veileder sendte saken');
      assert.equal(at('2026-10-25T00:30:00Z'), '25. okt. kl. 02.30 · Vera Veileder sendte saken');
      assert.equal(at('2026-10-25T01:30:00Z'), '25. okt. kl. 02.30 · Vera Veileder sendte saken');
      assert.equal(at('2026-12-31T23:30:00Z'), '1. jan. 2027 kl. 00.30 · Vera Veileder sendte saken');
    });

    it('shows a delivery problem in red and a notice when given', () => {
      const card = ticketCard(ticketIn('besvart', { deliveryProblem: 'Svaret kom ikke fram: veilederen har fjernet appen.' }), { view: 'team', now: NOW, members, notice: 'Saken ble tatt av Kari Nordmann for 2 min siden.' });
      const runs: Record<string, unknown>[] = [];
      walk(card.body, (o) => { if (o.type === 'TextRun') runs.push(o); });
      assert.ok(runs.some((r) => r.text === 'Leveringsproblem: Svaret kom ikke fram: veilederen har fjernet appen.' && r.color === 'Attention'));
      assert.ok(runs.some((r) => r.text === 'Saken ble tatt av Kari Nordmann for 2 min siden.'));
      const plain = shown(ticketCard(ticketIn('besvart'), { view: 'team', now: NOW, members }));
      assert.doesNotMatch(plain, /Leveringsproblem|Saken ble tatt av/);
    });

    const expected: Record<TicketState, string[]> = {
      ny: ['Ta saken', 'Tildel til …', 'Svar', 'Still spørsmål til veileder', 'Lukk'],
      tatt: ['Tildel til …', 'Svar', 'Still spørsmål til veileder', 'Lukk'],
      venter: ['Tildel til …', 'Svar', 'Lukk'],
      besvart: ['Lukk', 'Lagre svaret som FAQ'],
      lukket: ['Lagre svaret som FAQ'],
      trukket: [],
    };
    const expectedVerbs: Record<TicketState, string[]> = {
      ny: ['ticketTake', 'ticketAssign', 'ticketAnswer', 'ticketAsk', 'ticketClose'],
      tatt: ['ticketAssign', 'ticketAnswer', 'ticketAsk', 'ticketClose'],
      venter: ['ticketAssign', 'ticketAnswer', 'ticketClose'],
      besvart: ['ticketClose', 'ticketSaveFaq'],
      lukket: ['ticketSaveFaq'],
      trukket: [],
    };
    for (const state of STATES) {
      it(`team view in state ${state}: ${expected[state].join(', ') || 'no actions'}; every action carries ticketId and the version shown`, () => {
        const t = ticketIn(state, { version: 7 });
        const card = ticketCard(t, { view: 'team', now: NOW, members });
        assert.deepEqual(titles(card), expected[state]);
        assert.deepEqual(verbs(card), expectedVerbs[state]);
        for (const a of executes(card)) assert.deepEqual(a.data, { ticketId: 'UT-2026-0042', version: 7 }, a.verb);
        assert.deepEqual(titles(ticketCard(t, { view: 'base', now: NOW, members })), [], 'base view is read-only');
        assert.deepEqual(verbs(ticketCard(t, { view: 'base', now: NOW, members })), []);
        assert.ok(!titles(ticketCard(t, { view: 'team', now: NOW })).includes('Tildel til …'), 'no Tildel without members');
      });
    }

    it('a closed ticket without an answer offers nothing to save', () => {
      const t = { ...ticketIn('tatt'), state: 'lukket' as const, closedAt: '2026-11-21T09:03:00Z' };
      assert.deepEqual(titles(ticketCard(t, { view: 'team', now: NOW, members })), []);
    });

    it('the show cards hold the inputs the bot reads: assignee (colleagues, not the owner), text, askText', () => {
      const card = ticketCard(ticketIn('tatt'), { view: 'team', now: NOW, members });
      const byTitle = (title: string) => topActions(card).find((a) => a.title === title)!;
      const assign = byTitle('Tildel til …');
      assert.equal(assign.type, 'Action.ShowCard');
      const assignee = input(assign.card!, 'assignee')!;
      assert.equal(assignee.type, 'Input.ChoiceSet');
      assert.equal(assignee.isRequired, true);
      assert.deepEqual(assignee.choices, [{ title: 'Kari Nordmann', value: 'aad-kari' }, { title: 'Per Fagleder', value: 'aad-per' }]);
      assert.deepEqual(verbs(assign.card!), ['ticketAssign']);
      const answer = input(byTitle('Svar').card!, 'text')!;
      assert.deepEqual([answer.type, answer.isMultiline, answer.isRequired], ['Input.Text', true, true]);
      assert.deepEqual(verbs(byTitle('Svar').card!), ['ticketAnswer']);
      const ask = input(byTitle('Still spørsmål til veileder').card!, 'askText')!;
      assert.deepEqual([ask.type, ask.isMultiline, ask.isRequired], ['Input.Text', true, true]);
      assert.deepEqual(verbs(byTitle('Still spørsmål til veileder').card!), ['ticketAsk']);
      // Only the owner as member: nobody else to assign to.
      assert.ok(!titles(ticketCard(ticketIn('tatt'), { view: 'team', now: NOW, members: [ola] })).includes('Tildel til …'));
    });

    it('asks Teams to refresh the card for the listed users (Universal Actions) only when given', () => {
      const card = ticketCard(ticketIn('ny'), { view: 'base', now: NOW, refreshUserIds: ['aad-ola', 'aad-kari'] });
      assert.deepEqual(card.refresh, { action: { type: 'Action.Execute', verb: 'ticketRefresh', data: { ticketId: 'UT-2026-0042' } }, userIds: ['aad-ola', 'aad-kari'] });
      assert.equal(ticketCard(ticketIn('ny'), { view: 'base', now: NOW }).refresh, undefined);
    });

    it('every Action.Execute has an Action.Submit fallback with the same data and the verb', () => {
      const card = ticketCard(ticketIn('ny', { version: 3 }), { view: 'team', now: NOW, members });
      for (const a of executes(card)) {
        assert.equal(a.fallback?.type, 'Action.Submit');
        assert.equal(a.fallback?.title, a.title);
        assert.deepEqual(a.fallback?.data, { ticketId: 'UT-2026-0042', version: 3, verb: a.verb });
      }
    });

    it('carries nothing about the bruker beyond the mapping form\'s fields', () => {
      const s = JSON.stringify(ticketCard(ticketIn('besvart'), { view: 'team', now: NOW, members }));
      assert.ok(!s.includes(veileder.conversationKey));
      assert.ok(!s.includes('consentAt'));
    });
  });

  describe('the veileder\'s card in personal chat', () => {
    it('shows the answer with who answered and when, and that answers are general', () => {
      const card = veilederTicketCard(ticketIn('besvart'), { now: NOW, canReopen: true });
      const text = shown(card);
      assert.equal(texts(card)[0], 'Saken din UT-2026-0042 · Besvart');
      assert.ok(text.includes(QUESTION));
      assert.match(text, /Svar fra Ola Rådgiver, utdanningsteamet, 21\. nov\. kl\. 10\.02\n/);
      assert.ok(text.includes(ANSWER));
      assert.match(text, /Svaret er generelt og gjelder situasjonen slik den er beskrevet/);
    });

    it('shows the team\'s question with "Svar teamet" (text → ticketAddInfo)', () => {
      const card = veilederTicketCard(ticketIn('venter', { version: 4 }), { now: NOW, canReopen: false });
      assert.match(shown(card), /Spørsmål fra Ola Rådgiver, utdanningsteamet, 21\. nov\. kl\. 09\.57\nHvor lang praksis/);
      let reply: Action | undefined;
      walk(card.body, (o) => { if (o.type === 'Action.ShowCard' && o.title === 'Svar teamet') reply = o as unknown as Action; });
      assert.ok(reply, 'Svar teamet');
      assert.equal(input(reply.card!, 'text')!.isRequired, true);
      assert.deepEqual(executes(reply.card!).map((a) => [a.verb, a.data]), [['ticketAddInfo', { ticketId: 'UT-2026-0042', version: 4 }]]);
      assert.doesNotMatch(shown(veilederTicketCard(ticketIn('tatt'), { now: NOW, canReopen: false })), /Spørsmål fra/);
    });

    const expected: Record<TicketState, [string[], string[]]> = {
      ny: [['Legg til informasjon', 'Trekk saken'], ['Legg til informasjon', 'Trekk saken']],
      tatt: [['Legg til informasjon', 'Trekk saken'], ['Legg til informasjon', 'Trekk saken']],
      venter: [['Trekk saken'], ['Trekk saken']],
      besvart: [['Løst, takk', 'Bestill trepartssamtale', 'Trenger mer hjelp'], ['Løst, takk', 'Bestill trepartssamtale']],
      lukket: [['Bestill trepartssamtale', 'Trenger mer hjelp'], ['Bestill trepartssamtale']],
      trukket: [[], []],
    };
    for (const state of STATES) {
      it(`in state ${state}: ${expected[state][0].join(', ') || 'no actions'} (and without reopening: ${expected[state][1].join(', ') || 'none'})`, () => {
        const t = ticketIn(state, { version: 5 });
        const card = veilederTicketCard(t, { now: NOW, canReopen: true });
        assert.deepEqual(titles(card), expected[state][0]);
        assert.deepEqual(titles(veilederTicketCard(t, { now: NOW, canReopen: false })), expected[state][1]);
        for (const a of executes(card)) assert.deepEqual(a.data, { ticketId: 'UT-2026-0042', version: 5 }, a.verb);
      });
    }

    it('the actions carry the verbs and inputs the bot reads', () => {
      const open = veilederTicketCard(ticketIn('tatt'), { now: NOW, canReopen: true });
      assert.deepEqual(verbs(open), ['ticketAddInfo', 'ticketWithdraw']);
      assert.ok(input(topActions(open)[0].card!, 'text'));
      const answered = veilederTicketCard(ticketIn('besvart'), { now: NOW, canReopen: true });
      assert.deepEqual(verbs(answered), ['ticketResolve', 'bookingForm', 'ticketReopen']);
      assert.equal(input(topActions(answered)[2].card!, 'text')!.isRequired, true);
      assert.equal(texts(veilederTicketCard(ticketIn('tatt'), { now: NOW, canReopen: true }))[1], 'Ola Rådgiver i utdanningsteamet arbeider med saken.');
    });
  });

  describe('mine saker', () => {
    it('says so when there are none', () => {
      const card = myTicketsCard([], { now: NOW });
      assert.deepEqual(texts(card), ['Mine saker', 'Du har ingen saker.']);
      assert.deepEqual(verbs(card), []);
    });

    it('lists open tickets first, newest first within each group, with a "Vis" button each', () => {
      const t = (n: number, state: TicketState, created: string) => ticketIn(state, { id: `UT-2026-00${n}`, number: n, createdAt: created });
      const tickets = [
        t(10, 'lukket', '2026-11-20T08:00:00Z'), t(11, 'ny', '2026-11-19T08:00:00Z'), t(12, 'trukket', '2026-11-21T07:00:00Z'),
        t(13, 'besvart', '2026-11-18T08:00:00Z'), t(14, 'venter', '2026-11-21T08:00:00Z'),
      ];
      const card = myTicketsCard(tickets, { now: NOW });
      const rows = executes(card).map((a) => a.data?.ticketId);
      assert.deepEqual(rows, ['UT-2026-0014', 'UT-2026-0011', 'UT-2026-0013', 'UT-2026-0012', 'UT-2026-0010']);
      for (const a of executes(card)) assert.deepEqual([a.verb, a.title, Object.keys(a.data!)], ['ticketShow', 'Vis', ['ticketId']]);
      const text = shown(card);
      assert.match(text, /UT-2026-0014 · Venter på veileder\nFagopplæring · 1 t\n/);
      assert.match(text, /UT-2026-0011 · Ny\nFagopplæring · 2 dager\n/);
    });

    it('shows the first ~80 characters of the question, cut at a word', () => {
      const card = myTicketsCard([ticketIn('ny')], { now: NOW });
      const ex = texts(card).find((x) => x.startsWith('Bruker er 27 år'))!;
      assert.ok(ex.length <= 81 && ex.endsWith('…'), ex);
      assert.ok(QUESTION.startsWith(ex.slice(0, -1)));
      assert.ok(texts(myTicketsCard([ticketIn('ny', { question: 'Kort spørsmål?' })], { now: NOW })).includes('Kort spørsmål?'));
    });

    it('shows at most 20, and says how many there are', () => {
      const many = Array.from({ length: 25 }, (_, i) => ticketIn('ny', { id: `UT-2026-${String(i + 1).padStart(4, '0')}`, number: i + 1, createdAt: new Date(Date.parse('2026-11-01T08:00:00Z') + i * 3_600_000).toISOString() }));
      const card = myTicketsCard(many, { now: NOW });
      const ids = executes(card).map((a) => a.data?.ticketId);
      assert.equal(ids.length, 20);
      assert.equal(ids[0], 'UT-2026-0025');
      assert.match(shown(card), /Viser de 20 nyeste av 25 saker\./);
    });
  });

  describe('text from users is data, never template syntax or card structure', () => {
    const nasty = [
      '${ticketId} ${$root.t.take} ${json(t)}',
      '"}],"actions":[{"type":"Action.OpenUrl","title":"x","url":"https://evil.example"}]}',
      '**fet** [lenke](https://evil.example) # overskrift',
      '<img src=x onerror="alert(1)"><script>alert(2)</script>',
    ];
    const skeleton = (card: Card): string => JSON.stringify(card, (k, v) => (k === 'text' || k === 'value' ? typeof v : v));

    for (const text of nasty) {
      it(`question/answer ${JSON.stringify(text.slice(0, 40))}… is shown as given and changes nothing else`, () => {
        const plain = ticketIn('besvart');
        const evil = ticketIn('besvart', { question: text, answer: { ...plain.answer!, text }, office: text, situation: { ...plain.situation, navMeasure: text } });
        const cards: [Card, Card][] = [
          [ticketCard(plain, { view: 'team', now: NOW, members }), ticketCard(evil, { view: 'team', now: NOW, members })],
          [veilederTicketCard(plain, { now: NOW, canReopen: true }), veilederTicketCard(evil, { now: NOW, canReopen: true })],
          [myTicketsCard([plain], { now: NOW }), myTicketsCard([evil], { now: NOW })],
          [escalationFormCard({ question: QUESTION, office: 'NAV Lillestrøm' }), escalationFormCard({ question: text, office: text })],
        ];
        for (const [a, b] of cards) {
          assert.equal(skeleton(b), skeleton(a), 'same structure');
          const { events, element } = validate(b);
          assert.deepEqual(events, []);
          assert.equal(element.querySelector('script, img, a, strong, h1'), null, 'no markup from user text in the rendered card');
          assert.ok(!JSON.stringify(b).includes('"https://evil.example"'), 'no injected action');
        }
        const ticket = cards[0][1];
        assert.ok(texts(ticket).includes(text), 'the question is shown exactly as written');
        assert.ok(texts(ticket).includes(`NAV-kontor: ${text}`));
        assert.equal(input(cards[3][1], 'question')!.value, text);
        // TextRuns are rendered with innerText (never innerHTML): the text stays text.
        const runs = [...validate(ticket).element.querySelectorAll('.ac-textRun')].map((e) => (e as unknown as { innerText?: string }).innerText);
        assert.ok(runs.includes(text), 'rendered as literal text');
      });
    }
  });

  it('a stale action gets a notice that says what changed, by whom and when', () => {
    const t = ticketIn('tatt', { history: [...ticketIn('ny').history, ev('2026-11-21T09:02:00Z', kari, 'tatt')] });
    // The notice the bot shows on a stale action (ticketTexts.staleNotice, used by the ticket edge).
    assert.equal(ticketTexts.staleNotice(t, NOW), 'Saken ble tatt av Kari Nordmann for 2 min siden. Kortet viser nå saken slik den er.');
    assert.equal(ticketTexts.staleNotice(t, new Date('2026-11-21T09:02:20Z')), 'Saken ble tatt av Kari Nordmann akkurat nå. Kortet viser nå saken slik den er.');
  });

  it('the veileder is told who closed the ticket: the team, or Veiviser after no reaction (and what to do then)', () => {
    const t = ticketIn('lukket');
    const byTeam: TicketEvent = { ...ev('2026-11-21T09:02:00Z', kari, 'lukket') };
    const bySystem: TicketEvent = { ...byTeam, actor: { id: 'veiviser', name: 'Veiviser' } };
    assert.equal(ticketTexts.proactiveLead(t, byTeam), `Saken din ${t.id} er lukket av utdanningsteamet.`);
    assert.match(ticketTexts.proactiveLead(t, bySystem, true), /er lukket av Veiviser, fordi ingen har reagert på svaret.*åpne den igjen fra kortet\.$/);
    assert.match(ticketTexts.proactiveLead(t, bySystem, false), /sende en ny sak\.$/);
    assert.ok(!ticketTexts.proactiveLead(t, bySystem, true).includes('utdanningsteamet'));
  });
});
