/**
 * Guard against Norwegian national identity numbers (fødselsnummer) and D-numbers in free
 * text. Eleven digits count only when both mod-11 check digits are valid and the date part is a
 * possible date (D-number: day + 40; H-number and synthetic test numbers: month + 40 / + 80).
 * The forms people write are all found: `01019012345`, a space, dot or hyphen after the six date
 * digits (`010190 12345`), the date written with separators (`01.01.90 12345`, `01 01 90-12345`),
 * and the individual number split from the check digits (`010190 123 45`). Eleven digits that
 * fail the check (a phone number with country code, an order number) pass through untouched.
 * Numbers issued from 2032 may use a relaxed first check digit; update `isIdentityNumber` then.
 */

const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

function checkDigit(digits: number[], weights: number[]): number {
  const sum = weights.reduce((s, w, i) => s + w * digits[i], 0);
  const k = 11 - (sum % 11);
  return k === 11 ? 0 : k; // 10 means "no valid number"
}

/** True when an 11-digit string is a valid fødselsnummer or D-number. */
export function isIdentityNumber(eleven: string): boolean {
  if (!/^\d{11}$/.test(eleven)) return false;
  const d = [...eleven].map(Number);
  const k1 = checkDigit(d, W1);
  if (k1 === 10 || k1 !== d[9]) return false;
  const k2 = checkDigit(d, W2);
  if (k2 === 10 || k2 !== d[10]) return false;
  let day = d[0] * 10 + d[1];
  let month = d[2] * 10 + d[3];
  if (day > 40) day -= 40; // D-number
  if (month > 80) month -= 80; // synthetic test numbers
  else if (month > 40) month -= 40; // H-number / synthetic
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

// DD MM YY (one separator, the same twice, or none), an optional separator, NNN, an optional
// separator, NN; not inside a longer digit run. A lookahead, so that candidates may overlap and a
// valid number right after an invalid one is still seen.
const CANDIDATE = /(?<!\d)(?=((\d{2})([ .-]?)(\d{2})\3(\d{2})[ .-]?(\d{3})[ .-]?(\d{2}))(?!\d))/g;

/** Where valid identity numbers are in the text: [start, end) spans, in order, merged where they overlap. */
function identitySpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(CANDIDATE)) {
    if (!isIdentityNumber(m[2] + m[4] + m[5] + m[6] + m[7])) continue;
    const start = m.index ?? 0;
    const end = start + m[1].length;
    const last = spans[spans.length - 1];
    if (last && start < last[1]) last[1] = Math.max(last[1], end);
    else spans.push([start, end]);
  }
  return spans;
}

/** True when the text contains a valid identity number in any of the accepted forms. */
export function containsIdentityNumber(text: string): boolean {
  for (const m of text.matchAll(CANDIDATE)) if (isIdentityNumber(m[2] + m[4] + m[5] + m[6] + m[7])) return true;
  return false;
}

/** What a masked identity number is replaced with. */
export const IDENTITY_PLACEHOLDER = '[fødselsnummer fjernet]';

/** Replaces every valid identity number with a placeholder (used before anything is kept or shown again). */
export function maskIdentityNumbers(text: string, placeholder = IDENTITY_PLACEHOLDER): string {
  let out = '';
  let at = 0;
  for (const [start, end] of identitySpans(text)) {
    out += text.slice(at, start) + placeholder;
    at = end;
  }
  return out + text.slice(at);
}

/** Masks what must never be kept from free text: identity numbers, e-mail addresses, long digit runs. */
export function redactForStorage(text: string): string {
  return maskIdentityNumbers(text)
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[e-post]')
    .replace(/\d[\d .-]{5,}\d/g, '[tall]');
}
