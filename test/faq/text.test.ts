import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Analyzer, Decompounder, editDistance, fold, isCaseQuestion, loadLexicon, loadNynorskForms, nynorskEndings } from '../../src/faq/text.js';

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

  it('stems "-en" adjectives with their inflected forms (voksen/voksne, moden/modne)', () => {
    assert.equal(a.stem('voksen'), a.stem('voksne'));
    assert.equal(a.stem('moden'), a.stem('modne'));
    assert.notEqual(a.stem('barn'), a.stem('bar'));
    assert.notEqual(a.stem('navn'), a.stem('nav'));
  });

  it('stems a nynorsk word as its bokmål form, so a nynorsk site and a bokmål question meet', () => {
    assert.equal(a.stem('vaksne'), a.stem('voksne'));
    assert.equal(a.stem('vaksen'), a.stem('voksen'));
    assert.equal(a.stem('skulen'), a.stem('skolen'));
    assert.equal(a.stem('søkjer'), a.stem('søker'));
    assert.equal(a.stem('leggje'), a.stem('legge'));
    assert.equal(a.stem('tryggheita'), a.stem('tryggheten'));
    assert.equal(nynorskEndings('følgje'), 'følge');
    assert.equal(nynorskEndings('sikkerheita'), 'sikkerheten');
    assert.equal(nynorskEndings('fagbrev'), 'fagbrev');
  });

  it('stems nynorsk forms from the general word lists as their bokmål forms, and leaves bokmål words alone', () => {
    // Verbs whose nynorsk forms no ending rule reaches, from the generated nynorsk-bokmal.json.
    assert.equal(a.stem('byrja'), a.stem('begynte'));
    assert.equal(a.stem('sitja'), a.stem('sitte'));
    assert.equal(a.stem('utfordringar'), a.stem('utfordringer'));
    // A word both languages write keeps its bokmål meaning ("same" is a Sámi person in bokmål).
    assert.equal(a.stem('same'), a.stem('samer'));
    for (const w of ['skole', 'søke', 'fagbrev', 'voksne', 'helse', 'begynte']) assert.equal(a.bokmal(w), w, w);
    // Without the generated forms, only the lexicon and the regular endings apply.
    const bare = new Analyzer(loadLexicon(), new Map());
    assert.notEqual(bare.stem('byrja'), bare.stem('begynte'));
    assert.equal(bare.stem('vaksne'), bare.stem('voksne'));
  });

  it("tells a question about one bruker's own case from a general one", () => {
    for (const q of [
      'har bruker fått svar på rkv-søknaden sin? sendt i mars',
      'Hva er status på søknaden til brukeren min som søkte vg2 helse i februar?',
      'Har brukaren min fått plass på påbygg i haust?',
      'kan dere sjekke om brukeren min er tatt opp på helsefag?',
      'hvorfor fikk bruker avslag på lærekontrakt',
      'hva sa karriereveilederen til bruker på møtet',
      'den saken fra i går',
      'Hvorfor har ikke bruker fått svar på RKV-søknaden sin ennå?',
    ]) assert.equal(isCaseQuestion(q), true, q);
    for (const q of [
      'Har bruker rett til videregående når hun har fått fagbrev?',
      'Må vi ha samtykke fra bruker før vi sender saken til fylket?',
      'korleis melde inn ei sak til utdanningsteamet i fylket',
      'ventetid fra søknad til fagprøve',
      'hvor lang er saksbehandlingstiden for søknad om realkompetansevurdering',
      'søknadsfrist for voksne',
    ]) assert.equal(isCaseQuestion(q), false, q);
  });

  it('reads the generated forms from a file, and an absent file as none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nn-'));
    try {
      writeFileSync(join(dir, 'forms.json'), JSON.stringify({ forms: { kvelv: 'kvelve' } }));
      assert.equal(loadNynorskForms(join(dir, 'forms.json')).get('kvelv'), 'kvelve');
      assert.equal(loadNynorskForms(join(dir, 'missing.json')).size, 0);
      writeFileSync(join(dir, 'broken.json'), '{ "forms": ');
      assert.throws(() => loadNynorskForms(join(dir, 'broken.json')), /broken\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds English words by their base form and drops English function words', () => {
    assert.deepEqual(a.english('certificates'), a.english('certificate'));
    assert.deepEqual(a.english('applications'), a.lexicon.english.application);
    assert.deepEqual(a.english('registering'), a.lexicon.english.register);
    assert.deepEqual(a.english('must'), []);
    assert.equal(a.english('fagbrev'), undefined);
    const en = a.queryWords('is there a course for adults').map((w) => w.word);
    assert.ok(!en.includes('is') && en.includes('kurs') && en.includes('voksne'), en.join(' '));
  });

  it('maps nynorsk and English words to bokmål search words', () => {
    const ny = a.queryWords('Kva rett har vaksne til vidaregåande?').map((w) => w.word);
    assert.ok(ny.includes('voksne'));
    assert.ok(ny.includes('videregående'));
    const en = a.queryWords('how does my client get a trade certificate').map((w) => w.word);
    assert.deepEqual(en.includes('fagbrev'), true);
  });

  it('drops nynorsk small words as their bokmål forms are dropped, in questions and in a nynorsk site\'s text', () => {
    assert.deepEqual(a.queryWords('kan ho søkje utan meir dokumentasjon').map((w) => w.word), ['søke', 'dokumentasjon']);
    assert.deepEqual(a.indexWords('Du kan berre søkje frå 1. mars utan dokumentasjon.'), ['søkje', '1', 'mars', 'dokumentasjon']);
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

  it('splits off a short last word after a long first one, and parts the site writes in another form', () => {
    const d = new Decompounder(new Map([['helse', 4], ['fag', 9], ['karakterer', 2]]));
    assert.deepEqual(d.split('helsefag'), ['helse', 'fag']);
    assert.equal(d.split('karakterforbedring'), null);
    const stems = new Map([['karakter', 2], ['forbedring', 1]]);
    const loose = new Decompounder(new Map([['karakterer', 2]]), 8, (part) => stems.get(part));
    assert.deepEqual(loose.split('karakterforbedring'), ['karakter', 'forbedring']);
  });

  it('measures typos with transpositions as one edit', () => {
    assert.equal(editDistance('søknadsfirst', 'søknadsfrist', 2), 1);
    assert.equal(editDistance('privatisteksamn', 'privatisteksamen', 2), 1);
    assert.ok(editDistance('fagbrev', 'eksamen', 2) > 2);
  });
});
