/**
 * The card-input guard reads its free-text fields from the templates (no hand-kept list): the
 * derived list is every Input.Text of every template, and a field added to a template is seen.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CARDS_DIR } from '../../src/bot/render.js';
import {
  deriveTextInputs, fieldLabels, findIdentityNumbers, refill, refusalValues, TEXT_INPUT_IDS, TEXT_INPUTS, textInputsOf,
} from '../../src/privacy/card-inputs.js';
import { validIdentityNumber } from '../helpers/identity.js';

/** Every Input.Text id in a JSON document, found without the guard's code. */
function textIdsIn(doc: unknown): string[] {
  const ids: string[] = [];
  JSON.stringify(doc, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && (v as { type?: unknown }).type === 'Input.Text') ids.push(String((v as { id?: unknown }).id));
    return v;
  });
  return ids;
}

describe('card inputs: one identity-number guard for every free-text field', () => {
  const fnr = validIdentityNumber('150385');

  it('the derived list covers every Input.Text of every template in adaptive-cards/', () => {
    const files = readdirSync(CARDS_DIR).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual([...TEXT_INPUTS.keys()].sort(), files.map((f) => f.slice(0, -5)).sort(), 'every template is read');
    let total = 0;
    for (const f of files) {
      const expected = textIdsIn(JSON.parse(readFileSync(join(CARDS_DIR, f), 'utf8')));
      total += expected.length;
      assert.deepEqual(TEXT_INPUTS.get(f.slice(0, -5))!.map((i) => i.id), expected, f);
      for (const id of expected) assert.ok(TEXT_INPUT_IDS.has(id), `${id} (${f}) is guarded`);
    }
    assert.ok(total >= 10, `the templates have free-text fields (${total})`);
    assert.deepEqual(new Map(TEXT_INPUTS), deriveTextInputs(CARDS_DIR), 'the guard reads the templates themselves');
  });

  it('every free-text field is submitted by some action (its verb), so the edges see it', () => {
    for (const [name, inputs] of TEXT_INPUTS) for (const i of inputs) assert.ok(i.verbs.filter(Boolean).length > 0, `${i.id} in ${name}.json has no submitting action`);
    const verbs = (name: string, id: string) => TEXT_INPUTS.get(name)!.filter((i) => i.id === id).flatMap((i) => i.verbs);
    assert.deepEqual(verbs('booking-form', 'interpreterLanguage'), ['bookingFind']);
    assert.deepEqual(verbs('booking', 'reason'), ['bookingDecline']);
    assert.deepEqual(verbs('escalate-form', 'navMeasure'), ['ticketCreate'], 'Avbryt (associatedInputs none) submits nothing');
    assert.deepEqual([...new Set(verbs('ticket-veileder', 'text'))].sort(), ['ticketAddInfo', 'ticketReopen']);
  });

  it('a field added to a template is guarded without anyone listing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'veiviser-cards-'));
    try {
      cpSync(CARDS_DIR, dir, { recursive: true });
      const form = JSON.parse(readFileSync(join(dir, 'booking-form.json'), 'utf8')) as { body: unknown[] };
      form.body.push({ type: 'Container', items: [{ type: 'Input.Text', id: 'brukerNote', label: 'Merknad' }] });
      writeFileSync(join(dir, 'booking-form.json'), JSON.stringify(form));
      writeFileSync(join(dir, 'new-card.json'), JSON.stringify({ type: 'AdaptiveCard', body: [], actions: [{ type: 'Action.ShowCard', card: { type: 'AdaptiveCard', body: [{ type: 'Input.Text', id: 'note' }], actions: [{ type: 'Action.Execute', verb: 'noteSend' }] } }] }));
      const derived = deriveTextInputs(dir);
      assert.deepEqual(derived.get('booking-form')!.find((i) => i.id === 'brukerNote'), { id: 'brukerNote', label: 'Merknad', verbs: ['bookingFind'] });
      assert.deepEqual(derived.get('new-card'), [{ id: 'note', verbs: ['noteSend'] }]);
      assert.ok(!TEXT_INPUT_IDS.has('brukerNote'), 'the real templates do not have it (so this test would notice a hand list)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the number in free-text fields first, then in any other value, key, number or nested data', () => {
    assert.deepEqual(findIdentityNumbers({ region: fnr, question: `bruker ${fnr}`, section: 'x' }), ['question', 'region']);
    assert.deepEqual(findIdentityNumbers({ n: Number(fnr) }), ['n']);
    assert.deepEqual(findIdentityNumbers({ deep: { a: [{ b: `${fnr.slice(0, 6)}-${fnr.slice(6)}` }] } }), ['deep']);
    assert.deepEqual(findIdentityNumbers({ [fnr]: 'x' }), [fnr]);
    assert.deepEqual(findIdentityNumbers({ question: 'Ring 47912345678', version: 3, ticketId: 'UT-2026-0001' }), []);
  });

  it('a refusal keeps every value but the offending ones: masked, emptied when nothing else was written, or left out', () => {
    const v = refusalValues({ question: `Bruker ${fnr} vil ta fagbrev`, brukerAlias: ` ${fnr} `, section: 'eksamen', region: fnr, [fnr]: 'x' }, ['question', 'brukerAlias', 'region', fnr]);
    assert.deepEqual(v, { question: 'Bruker [fødselsnummer fjernet] vil ta fagbrev', brukerAlias: '', section: 'eksamen' });
  });

  it('refills a card only where a value fits the input, and with a verb only that action\'s inputs', () => {
    const card = {
      type: 'AdaptiveCard',
      body: [
        { type: 'Input.Text', id: 'alias', maxLength: 12 },
        { type: 'Input.Text', id: 'long', maxLength: 12 },
        { type: 'Input.ChoiceSet', id: 'pick', choices: [{ title: 'A', value: 'a' }] },
        { type: 'Input.ChoiceSet', id: 'bad', choices: [{ title: 'A', value: 'a' }] },
        { type: 'Input.Toggle', id: 'ok', valueOn: 'true', valueOff: 'false', value: 'false' },
        { type: 'Input.Number', id: 'n', min: 30, max: 120 },
        { type: 'Input.Date', id: 'd' },
      ],
      actions: [
        { type: 'Action.ShowCard', card: { type: 'AdaptiveCard', body: [{ type: 'Input.Text', id: 'text', label: 'Svar' }], actions: [{ type: 'Action.Execute', verb: 'answer' }] } },
        { type: 'Action.ShowCard', card: { type: 'AdaptiveCard', body: [{ type: 'Input.Text', id: 'text', label: 'Spørsmål' }], actions: [{ type: 'Action.Execute', verb: 'ask' }] } },
      ],
    };
    refill(card, { alias: 'AB', long: 'Lang [fødselsnummer fjernet]', pick: 'a', bad: 'z', ok: true, n: '45', d: 'i morgen' });
    const values = Object.fromEntries((card.body as { id: string; value?: unknown }[]).map((i) => [i.id, i.value]));
    assert.deepEqual(values, { alias: 'AB', long: '', pick: 'a', bad: undefined, ok: 'true', n: 45, d: undefined });
    refill(card, { text: 'masket' }, 'ask');
    const texts = textInputsOf(card);
    assert.deepEqual(texts.filter((i) => i.id === 'text').map((i) => i.verbs), [['answer'], ['ask']]);
    const shown = JSON.stringify(card.actions);
    assert.equal((shown.match(/"value":"masket"/g) ?? []).length, 1, 'only the asking field');
    assert.deepEqual(fieldLabels(card, ['text'], 'ask'), ['Spørsmål']);
    assert.deepEqual(fieldLabels(card, ['text'], 'other'), [], 'no field of that action: not named after another one');
  });
});
