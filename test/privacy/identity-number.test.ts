import assert from 'node:assert/strict';
import { containsIdentityNumber, isIdentityNumber, maskIdentityNumbers, redactForStorage } from '../../src/privacy/identity-number.js';
import { validIdentityNumber } from '../helpers/identity.js';

describe('privacy guard: national identity numbers', () => {
  const fnr = validIdentityNumber('150385');
  const dnr = validIdentityNumber('550385'); // D-number: day + 40

  it('recognises a valid fødselsnummer and a D-number', () => {
    assert.equal(isIdentityNumber(fnr), true);
    assert.equal(isIdentityNumber(dnr), true);
  });

  it('finds the number inside a sentence, with or without a space after the date part', () => {
    assert.equal(containsIdentityNumber(`Bruker ${fnr} lurer på fagbrev`), true);
    assert.equal(containsIdentityNumber(`bruker med fnr ${fnr.slice(0, 6)} ${fnr.slice(6)} vil søke vgs`), true);
    assert.equal(containsIdentityNumber(`dnr:${dnr}.`), true);
  });

  it('finds and masks the number written with the date grouped or the check digits apart', () => {
    const [dd, mm, yy, ind, k] = [fnr.slice(0, 2), fnr.slice(2, 4), fnr.slice(4, 6), fnr.slice(6, 9), fnr.slice(9)];
    for (const form of [`${dd}.${mm}.${yy} ${ind}${k}`, `${dd} ${mm} ${yy} ${ind} ${k}`, `${dd}-${mm}-${yy}-${ind}${k}`, `${dd}${mm}${yy} ${ind} ${k}`, `${dd}${mm}${yy}.${ind}.${k}`]) {
      assert.equal(containsIdentityNumber(`fnr ${form}, spør om fagbrev`), true, form);
      assert.equal(maskIdentityNumbers(`fnr ${form}, spør om fagbrev`), 'fnr [fødselsnummer fjernet], spør om fagbrev', form);
    }
    assert.equal(containsIdentityNumber(`${dd}.${mm} ${yy}-${ind}${k}`), false, 'the date\'s two separators must be the same');
    // A valid number right after an invalid candidate that overlaps it is still found.
    assert.equal(maskIdentityNumbers(`12 ${fnr}`), '12 [fødselsnummer fjernet]');
  });

  it('lets eleven digits that fail the check digits pass (phone with country code, order numbers)', () => {
    const wrongCheck = fnr.slice(0, 10) + String((Number(fnr[10]) + 1) % 10);
    assert.equal(containsIdentityNumber(`ring ${wrongCheck}`), false);
    assert.equal(containsIdentityNumber('ring meg på 47912345678'), false);
    assert.equal(containsIdentityNumber('ordrenummer 12345678901 gjelder kurset'), false);
  });

  it('does not fire on longer digit runs or on impossible dates', () => {
    assert.equal(containsIdentityNumber(`konto 9${fnr}`), false);
    assert.equal(isIdentityNumber('00000000000'), false);
  });

  it('masks the number so it is never kept', () => {
    const masked = maskIdentityNumbers(`sak om ${fnr} og fagbrev`);
    assert.ok(!masked.includes(fnr));
    assert.match(masked, /fagbrev/);
    const red = redactForStorage('kari@example.no ringte fra 55 00 00 10');
    assert.ok(!red.includes('kari@example.no'));
    assert.ok(!red.includes('55 00 00 10'));
  });
});
