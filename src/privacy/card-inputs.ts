/**
 * One guard for every free-text field of every card. The ids of the `Input.Text` fields are read
 * from the templates in adaptive-cards/ when this module loads — there is no hand-kept list — so
 * a field added to a template is checked from its first submission, and the tests that put
 * identity numbers into "every field of every form" take their fields from here too.
 *
 * `findIdentityNumbers` is called on a card action's data before anything is stored, sent or
 * copied into a follow-up card (the edges call it first thing). It checks the free-text fields
 * and, because a forged action can carry anything, every other value and key as well.
 * A refusal answers with the same form: `refill` puts the submitted values back into the freshly
 * rendered card, `refusalValues` masks the identity numbers in the offending fields (or empties
 * a field that would hold nothing else), and `fieldLabels` names those fields by their labels.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CARDS_DIR } from '../bot/render.js';
import { containsIdentityNumber, IDENTITY_PLACEHOLDER, maskIdentityNumbers } from './identity-number.js';

type Node = Record<string, unknown>;

/** A text input as a card (or a template) has it, and the verbs of the actions that submit it. */
export interface TextInput {
  id: string;
  label?: string;
  maxLength?: number;
  verbs: string[];
}

interface Scope { inputs: Node[]; verbs: string[]; children: Scope[] }

/** The verb of an action that submits inputs, if it does. */
function submittingVerb(a: Node): string | undefined {
  if (a.type === 'Action.Execute' && a.associatedInputs !== 'none') return typeof a.verb === 'string' ? a.verb : '';
  if (a.type === 'Action.Submit' && a.associatedInputs !== 'none') {
    const v = (a.data as Node | undefined)?.verb;
    return typeof v === 'string' ? v : '';
  }
  return undefined;
}

/**
 * Every input of a card, each with the verbs that submit it: an action submits the inputs of
 * its own card and of every card around it (a ShowCard's card sits inside its parent).
 */
function inputsWithVerbs(card: unknown): { input: Node; verbs: string[] }[] {
  const root: Scope = { inputs: [], verbs: [], children: [] };
  const walk = (node: unknown, scope: Scope): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, scope));
    if (!node || typeof node !== 'object') return;
    const o = node as Node;
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) scope.inputs.push(o);
    const verb = submittingVerb(o);
    if (verb !== undefined) scope.verbs.push(verb);
    for (const [k, v] of Object.entries(o)) {
      if (k === 'fallback' || k === 'refresh') continue; // the same action again / not a submission of inputs
      if (k === 'card' && o.type === 'Action.ShowCard') {
        const child: Scope = { inputs: [], verbs: [], children: [] };
        scope.children.push(child);
        walk(v, child);
      } else walk(v, scope);
    }
  };
  walk(card, root);
  const out: { input: Node; verbs: string[] }[] = [];
  const collect = (s: Scope): string[] => {
    const below = s.children.flatMap(collect);
    const verbs = [...new Set([...s.verbs, ...below])];
    for (const input of s.inputs) out.push({ input, verbs });
    return verbs;
  };
  collect(root);
  return out;
}

/** The `Input.Text` fields of a card or template, in order. */
export function textInputsOf(card: unknown): TextInput[] {
  return inputsWithVerbs(card)
    .filter((x) => x.input.type === 'Input.Text' && typeof x.input.id === 'string')
    .map(({ input, verbs }) => ({
      id: input.id as string,
      ...(typeof input.label === 'string' ? { label: input.label } : {}),
      ...(typeof input.maxLength === 'number' ? { maxLength: input.maxLength } : {}),
      verbs,
    }));
}

/** Reads every template (*.json) in a directory: template name → its `Input.Text` fields. */
export function deriveTextInputs(dir: string): Map<string, TextInput[]> {
  const out = new Map<string, TextInput[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    out.set(file.slice(0, -'.json'.length), textInputsOf(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
  }
  return out;
}

/** The free-text fields of every template in adaptive-cards/, read once at load. */
export const TEXT_INPUTS: ReadonlyMap<string, readonly TextInput[]> = deriveTextInputs(CARDS_DIR);
/** Every free-text field id of every template. */
export const TEXT_INPUT_IDS: ReadonlySet<string> = new Set([...TEXT_INPUTS.values()].flatMap((l) => l.map((i) => i.id)));

function holdsIdentityNumber(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return containsIdentityNumber(v);
  if (typeof v === 'number' || typeof v === 'bigint') return containsIdentityNumber(String(v));
  if (depth > 8 || !v || typeof v !== 'object') return false;
  return Object.entries(v as Node).some(([k, x]) => containsIdentityNumber(k) || holdsIdentityNumber(x, depth + 1));
}

/**
 * The keys of a card action's data that hold an identity number: the free-text fields first
 * (in the order of TEXT_INPUT_IDS), then any other value or key a forged action carried.
 */
export function findIdentityNumbers(data: Record<string, unknown>): string[] {
  const hits = Object.entries(data).filter(([k, v]) => containsIdentityNumber(k) || holdsIdentityNumber(v)).map(([k]) => k);
  return [...hits.filter((k) => TEXT_INPUT_IDS.has(k)), ...hits.filter((k) => !TEXT_INPUT_IDS.has(k))];
}

/** The field ids among the offending keys that are safe to name in a log line (template ids only). */
export function loggableFields(keys: string[]): string[] {
  return keys.filter((k) => TEXT_INPUT_IDS.has(k));
}

/**
 * The values to show again after a refusal: every submitted value as it was, except the
 * offending ones — a free-text field comes back with the number masked, or empty when nothing
 * else was written in it; any other offending value is left out.
 */
export function refusalValues(data: Record<string, unknown>, offending: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (containsIdentityNumber(k)) continue;
    if (!offending.includes(k)) {
      out[k] = v;
      continue;
    }
    if (!TEXT_INPUT_IDS.has(k) || typeof v !== 'string') continue;
    const masked = maskIdentityNumbers(v);
    out[k] = masked.split(IDENTITY_PLACEHOLDER).join('').replace(/[\s.,:;()/-]/g, '') === '' ? '' : masked;
  }
  return out;
}

/** A submitted value as the input may show it; undefined when it does not fit the input. */
function fitting(input: Node, v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  if (s === undefined || containsIdentityNumber(s)) return undefined;
  switch (input.type) {
    case 'Input.Text': {
      const max = typeof input.maxLength === 'number' ? input.maxLength : 4000;
      // A masked number that does not fit (a short field) comes back empty rather than cut.
      return s.length <= max ? s : s.includes(IDENTITY_PLACEHOLDER) ? '' : s.slice(0, max);
    }
    case 'Input.ChoiceSet': {
      const values = new Set(((input.choices as Node[] | undefined) ?? []).map((c) => String(c.value)));
      const picked = input.isMultiSelect ? s.split(',') : [s];
      return s === '' || picked.every((x) => values.has(x)) ? s : undefined;
    }
    case 'Input.Toggle': {
      const on = typeof input.valueOn === 'string' ? input.valueOn : 'true';
      const off = typeof input.valueOff === 'string' ? input.valueOff : 'false';
      return s === on || s === off ? s : undefined;
    }
    case 'Input.Number': {
      const n = Number(s);
      if (s.trim() === '' || !Number.isFinite(n)) return undefined;
      if ((typeof input.min === 'number' && n < input.min) || (typeof input.max === 'number' && n > input.max)) return undefined;
      return n;
    }
    case 'Input.Date':
      return /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : s === '' ? '' : undefined;
    case 'Input.Time':
      return /^\d{2}:\d{2}$/.test(s) ? s : s === '' ? '' : undefined;
    default:
      return undefined;
  }
}

/**
 * Puts submitted values back into a rendered card's inputs (by id), where they fit the input
 * (a choice it offers, a date, a number in range, text within its length). With `verb`, only
 * into the inputs that action submits (several fields of a card may share an id). Changes the card.
 */
export function refill<T extends Record<string, unknown>>(card: T, values: Record<string, unknown>, verb?: string): T {
  for (const { input, verbs } of inputsWithVerbs(card)) {
    const id = input.id;
    if (typeof id !== 'string' || !Object.hasOwn(values, id)) continue;
    if (verb !== undefined && !verbs.includes(verb)) continue;
    const v = fitting(input, values[id]);
    if (v !== undefined) input.value = v;
  }
  return card;
}

/**
 * The labels (as the card shows them) of the offending fields. With `verb`, only fields that
 * action submits are named (a card may show another field with the same id).
 */
export function fieldLabels(card: unknown, keys: string[], verb?: string): string[] {
  const inputs = textInputsOf(card);
  const labels: string[] = [];
  for (const k of keys) {
    const own = inputs.find((i) => i.id === k && i.label && (verb === undefined || i.verbs.includes(verb)));
    if (own?.label && !labels.includes(own.label)) labels.push(own.label);
  }
  return labels;
}
