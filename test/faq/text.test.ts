import assert from 'node:assert/strict';
import { Analyzer, Decompounder, editDistance, fold, loadLexicon } from '../../src/faq/text.js';

describe('Norwegian text analysis', () => {
  const a = new Analyzer(loadLexicon());

  it('stems singular and plural agent nouns alike (Snowball: veileder→veiled, veiledere→veileder)', () => {
    assert.equal(a.stem('veileder'), a.stem('veiledere'));
    assert.equal(a.stem('veiledere'), a.stem('veilederne'));
    assert.equal(a.stem('arbeidsgiver'), a.stem('arbeidsgivere'));
    assert.equal(a.stem('fagbrevet'), a.stem('fagbrev'));
  });

  it('folds æøå so words typed without them meet the real words', () => {
    assert.equal(fold('vitnemål'), 'vitnemal');
    assert.equal(a.stem('vitnemal'), a.stem('vitnemålet'));
    assert.equal(a.stem('videregaende'), a.stem('videregående'));
    assert.equal(a.stem('laerekontrakt'), a.stem('lærekontrakten'));
  });

  it('maps nynorsk and English words to bokmål search words', () => {
    const ny = a.queryWords('Kva rett har vaksne til vidaregåande?').map((w) => w.word);
    assert.ok(ny.includes('voksne'));
    assert.ok(ny.includes('videregående'));
    const en = a.queryWords('how does my client get a trade certificate').map((w) => w.word);
    assert.deepEqual(en.includes('fagbrev'), true);
  });

  it('expands abbreviations from the editable lexicon', () => {
    const rkv = a.queryWords('rkv').find((w) => w.word === 'rkv');
    assert.ok(rkv?.extra.includes('realkompetansevurdering'));
  });

  it('recognises NAV questions by benefit words, not by the word NAV', () => {
    assert.equal(a.isNavQuestion('Kan bruker beholde AAP mens hun tar fagbrev?'), true);
    assert.equal(a.isNavQuestion('har tiltakspenger noe å si'), true);
    assert.equal(a.isNavQuestion('Jeg jobber i NAV, hvordan blir man praksiskandidat?'), false);
  });

  it('splits compounds into known words', () => {
    const vocab = new Map([['realkompetanse', 3], ['vurdering', 5], ['søknad', 4], ['frist', 2], ['fag', 9], ['brev', 3]]);
    const d = new Decompounder(vocab);
    assert.deepEqual(d.split('realkompetansevurdering'), ['realkompetanse', 'vurdering']);
    assert.deepEqual(d.split('søknadsfrist'), ['søknad', 'frist']);
    assert.equal(d.split('kontaktinfo'), null);
  });

  it('measures typos with transpositions as one edit', () => {
    assert.equal(editDistance('søknadsfirst', 'søknadsfrist', 2), 1);
    assert.equal(editDistance('privatisteksamn', 'privatisteksamen', 2), 1);
    assert.ok(editDistance('fagbrev', 'eksamen', 2) > 2);
  });
});
