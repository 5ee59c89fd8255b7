/** Builds valid Norwegian identity numbers for tests (mod-11 check digits computed here). */
const W1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
const W2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** date6 = DDMMYY (add 40 to DD for a D-number); individual = 3 digits. Returns null if no valid number exists. */
export function makeIdentityNumber(date6: string, individual: string): string | null {
  const d = [...(date6 + individual)].map(Number);
  const k = (w: number[]) => {
    const r = 11 - (w.reduce((s, x, i) => s + x * d[i], 0) % 11);
    return r === 11 ? 0 : r;
  };
  const k1 = k(W1);
  if (k1 === 10) return null;
  d.push(k1);
  const k2 = k(W2);
  if (k2 === 10) return null;
  return date6 + individual + k1 + k2;
}

/** The first valid number for a date, trying individual numbers from `start`. */
export function validIdentityNumber(date6 = '010190', start = 100): string {
  for (let i = start; i < 1000; i++) {
    const n = makeIdentityNumber(date6, String(i).padStart(3, '0'));
    if (n) return n;
  }
  throw new Error('no valid number');
}
