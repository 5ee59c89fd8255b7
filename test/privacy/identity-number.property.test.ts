/** Property-based tests (fast-check) of the identity-number guard: any valid number, in any text, in any accepted form, is caught and masked. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { containsIdentityNumber, isIdentityNumber, maskIdentityNumbers, redactForStorage } from '../../src/privacy/identity-number.js';
import { makeIdentityNumber } from '../helpers/identity.js';

/** A valid fødselsnummer or D-number (day + 40), from a real calendar date. */
const validNumber = fc
  .record({ date: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }), dNumber: fc.boolean(), individual: fc.integer({ min: 0, max: 999 }) })
  .map(({ date, dNumber, individual }) => {
    const dd = date.getUTCDate() + (dNumber ? 40 : 0);
    const date6 = `${String(dd).padStart(2, '0')}${String(date.getUTCMonth() + 1).padStart(2, '0')}${String(date.getUTCFullYear() % 100).padStart(2, '0')}`;
    return makeIdentityNumber(date6, String(individual).padStart(3, '0'));
  })
  .filter((n): n is string => n !== null);

/** Text around the number that does not glue more digits onto it. */
const surrounding = fc.string({ maxLength: 40 }).map((s) => s.replace(/\d+$/, '').replace(/^\d+/, ''));
const separator = fc.constantFrom('', ' ', '.', '-');

describe('identity-number guard (property-based)', () => {
  it('finds every valid number anywhere in a text, with or without a separator after the date', () => {
    fc.assert(fc.property(validNumber, surrounding, surrounding, separator, (n, before, after, sep) => {
      const text = `${before} ${n.slice(0, 6)}${sep}${n.slice(6)} ${after}`;
      assert.ok(containsIdentityNumber(text), text);
    }), { numRuns: 500 });
  });

  it('finds and masks every valid number in every written form (date grouped, check digits apart)', () => {
    fc.assert(fc.property(validNumber, surrounding, surrounding, separator, separator, separator, fc.boolean(), (n, before, after, dateSep, sep1, sep2, splitCheck) => {
      const written = `${n.slice(0, 2)}${dateSep}${n.slice(2, 4)}${dateSep}${n.slice(4, 6)}${sep1}${n.slice(6, 9)}${splitCheck ? sep2 : ''}${n.slice(9)}`;
      const text = `${before} ${written} ${after}`;
      assert.ok(containsIdentityNumber(text), text);
      const masked = maskIdentityNumbers(text);
      assert.ok(!masked.includes(written) && !containsIdentityNumber(masked), masked);
    }), { numRuns: 500 });
  });

  it('masks it so that not one of its digits in a row is left, in what is stored', () => {
    fc.assert(fc.property(validNumber, surrounding, surrounding, (n, before, after) => {
      const text = `${before} ${n} ${after}`;
      assert.ok(!maskIdentityNumbers(text).includes(n));
      assert.ok(!redactForStorage(text).includes(n));
      assert.ok(!containsIdentityNumber(maskIdentityNumbers(text)));
    }), { numRuns: 500 });
  });

  it('lets through eleven digits whose check digits are wrong, and longer digit runs', () => {
    fc.assert(fc.property(validNumber, fc.integer({ min: 1, max: 9 }), (n, delta) => {
      const wrong = n.slice(0, 10) + String((Number(n[10]) + delta) % 10);
      assert.equal(isIdentityNumber(wrong), false);
      assert.equal(containsIdentityNumber(`konto ${n}7`), false, 'twelve digits are not a number of eleven');
    }), { numRuns: 300 });
  });

  it('never throws, whatever the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (s) => {
      containsIdentityNumber(s);
      redactForStorage(s);
    }), { numRuns: 300 });
  });
});
