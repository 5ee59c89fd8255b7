/**
 * Guard against Norwegian national identity numbers (fødselsnummer) and D-numbers in free
 * text. Eleven digits, optionally with a space, dot or hyphen after the six date digits, count
 * only when both mod-11 check digits are valid and the date part is a possible date (D-number:
 * day + 40; H-number and synthetic test numbers: month + 40 / + 80). Eleven digits that fail
 * the check (a phone number with country code, an order number) pass through untouched.
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

// Six date digits, an optional single separator, five digits; not inside a longer digit run.
const CANDIDATE = /(?<!\d)(\d{6})[ .-]?(\d{5})(?!\d)/g;

/** True when the text contains a valid identity number in any of the accepted forms. */
export function containsIdentityNumber(text: string): boolean {
  for (const m of text.matchAll(CANDIDATE)) if (isIdentityNumber(m[1] + m[2])) return true;
  return false;
}

/** Replaces every valid identity number with a placeholder (used before anything is kept). */
export function maskIdentityNumbers(text: string, placeholder = '[fødselsnummer fjernet]'): string {
  return text.replace(CANDIDATE, (all, a: string, b: string) => (isIdentityNumber(a + b) ? placeholder : all));
}

/** Masks what must never be kept from free text: identity numbers, e-mail addresses, long digit runs. */
export function redactForStorage(text: string): string {
  return maskIdentityNumbers(text)
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[e-post]')
    .replace(/\d[\d .-]{5,}\d/g, '[tall]');
}
