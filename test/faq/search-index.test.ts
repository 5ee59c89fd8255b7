import assert from 'node:assert/strict';
import { crawlDemo } from '../../bench/eval-lib.js';
import { DEMO_CURATED_FILE } from '../../src/app.js';
import { loadCurated, toDocs } from '../../src/faq/faq-service.js';
import { SearchIndex, type SectionDoc } from '../../src/faq/search-index.js';
import { Analyzer, loadLexicon } from '../../src/faq/text.js';

const analyzer = new Analyzer(loadLexicon());
const doc = (id: string, title: string, heading: string, text: string): SectionDoc => ({
  id: `https://fylke.example.no/${id}`, url: `https://fylke.example.no/${id}`, pageUrl: `https://fylke.example.no/${id.split('#')[0]}`, title, heading, text, kind: 'page',
});
const anchorOf = (url: string): string => new URL(url).hash;
const pathOf = (url: string): string => new URL(url).pathname;

describe('section choice on the demo county site', function () {
  this.timeout(60_000);
  let index: SearchIndex;
  before(async () => {
    const { pages, site } = await crawlDemo();
    index = new SearchIndex(analyzer, toDocs(pages, loadCurated(DEMO_CURATED_FILE), site));
  });

  it('answers a vocational certificate from abroad with the section on vocational training, not the one on general upper secondary', () => {
    // The page has both: «Fag- og yrkesopplæring: søk godkjenning hos HK-dir» (HK-dir approves
    // vocational training from Poland) and «Allmenn videregående skole fra utlandet» (HK-dir does
    // *not* approve general upper secondary). The second says "godkjent" and "Norge" as the
    // question does; the first is about fagbrev, names Poland and says "godkjenne"/"godkjenning".
    const hits = index.query('kan bruker med fagbrev fra Polen få det godkjent i Norge?', 8).hits;
    assert.equal(pathOf(hits[0].doc.url), '/dokumentasjon/utenlandsk-utdanning');
    assert.equal(anchorOf(hits[0].doc.url), '#fagutdanning-fra-utlandet');
    const other = hits.find((h) => anchorOf(h.doc.url) === '#videregaende-fra-utlandet');
    if (other) assert.ok(other.score < 0.9 * hits[0].score, `${other.score} vs ${hits[0].score}: the choice should not be a coin toss`);
  });
});

describe('search index (small corpus)', () => {
  it('meets a past participle and the verb it comes from ("godkjent" ↔ "godkjenne", "godkjenning")', () => {
    const index = new SearchIndex(analyzer, [
      doc('a', 'Godkjenning', 'Godkjenning', 'Direktoratet kan godkjenne utdanningen din.'),
      doc('b', 'Buss', 'Buss', 'Bussen går hver time fra sentrum.'),
    ]);
    assert.equal(index.search('blir utdanningen godkjent?')[0].doc.id, 'https://fylke.example.no/a');
    const fromVerb = new SearchIndex(analyzer, [doc('a', 'Vitnemål', 'Vitnemål', 'Vitnemålet er godkjent.'), doc('b', 'Buss', 'Buss', 'Bussen går hver time.')]);
    assert.equal(fromVerb.search('godkjenning av vitnemål')[0].doc.id, 'https://fylke.example.no/a');
  });

  it('shows the section whose heading asks the question, without changing which page comes first', () => {
    const docs = [
      doc('laerling', 'Lærling som voksen', 'Lærling som voksen', 'Voksne kan bli lærlinger i de fleste fag.'),
      doc('laerling#permisjon', 'Lærling som voksen', 'Permisjon og sykdom', 'Er en voksen lærling syk, forlenges læretiden. Læretiden forlenges med fraværet.'),
      doc('laerling#laeretid', 'Lærling som voksen', 'Læretid', 'For voksne lærlinger er læretiden vanligvis to år, men den kan bli kortere når du har erfaring fra faget.'),
      doc('buss', 'Skoleskyss', 'Skoleskyss', 'Lærlinger får ikke skoleskyss.'),
    ];
    const q = 'hvor lenge er læretiden for voksne lærlinger';
    const flat = new SearchIndex(analyzer, docs, { headingWeight: 0 }).query(q, 8).hits;
    const asked = new SearchIndex(analyzer, docs).query(q, 8).hits;
    const score = (hits: typeof flat, id: string): number => hits.find((h) => h.doc.id === `https://fylke.example.no/${id}`)?.score ?? 0;
    assert.equal(asked[0].doc.id, 'https://fylke.example.no/laerling#laeretid');
    // The section whose heading is the question's own word stands clearer of the others…
    assert.ok(score(asked, 'laerling#permisjon') / score(asked, 'laerling#laeretid') < score(flat, 'laerling#permisjon') / score(flat, 'laerling#laeretid'));
    // …and the page's score is the same either way: the heading only picks the section.
    assert.equal(asked[0].score, flat[0].score);
    assert.deepEqual([...new Set(asked.map((h) => h.doc.pageUrl))], [...new Set(flat.map((h) => h.doc.pageUrl))]);
  });

  it('does not take a heading with a broader word for the question ("utlandet" for "Polen")', () => {
    const docs = [
      doc('ute', 'Utdanning fra utlandet', 'Utdanning fra utlandet', 'Har du utdanning fra et annet land, kan den vurderes.'),
      doc('ute#fag', 'Utdanning fra utlandet', 'Fagbrev', 'Fagbrev fra Polen og Tyskland kan godkjennes som norsk fagbrev.'),
      doc('ute#vgs', 'Utdanning fra utlandet', 'Skole fra utlandet', 'Skole fra utlandet godkjennes ikke som norsk fagbrev uten videre.'),
    ];
    const hits = new SearchIndex(analyzer, docs).query('fagbrev fra Polen', 8).hits;
    assert.equal(hits[0].doc.id, 'https://fylke.example.no/ute#fag');
  });

  it('ranks a page that meets the question in several sections above one that meets it in a single section', () => {
    const docs = [
      doc('privatist', 'Privatist', 'Privatist', 'Som privatist tar du eksamen uten å være elev.'),
      doc('privatist#oppmelding', 'Privatist', 'Oppmelding', 'Oppmelding til privatisteksamen skjer på nett. Eksamensgebyret betaler du ved oppmelding.'),
      doc('privatist#gebyr', 'Privatist', 'Gebyr', 'Gebyret for privatisteksamen er fastsatt av staten. Ved sykdom får du gebyret tilbake.'),
      doc('nyheter', 'Nyheter', 'Nyheter', 'Oppmelding og gebyr for privatisteksamen.'),
    ];
    const q = 'oppmelding gebyr privatisteksamen';
    const hits = new SearchIndex(analyzer, docs, { pageRest: 0.5 }).query(q, 8).hits;
    assert.equal(hits[0].doc.pageUrl, 'https://fylke.example.no/privatist');
  });

  it('lets a nynorsk site and a bokmål question meet, and the other way round', () => {
    const nn = new SearchIndex(analyzer, [
      doc('vaksne', 'Vidaregåande opplæring for vaksne', 'Vidaregåande opplæring for vaksne', 'Vaksne som har fullført grunnskulen, kan søkje om vidaregåande opplæring. Tryggheita i opplæringa er viktig.'),
      doc('buss', 'Buss', 'Buss', 'Bussen går kvar time frå sentrum.'),
    ]);
    assert.equal(nn.search('videregående opplæring for voksne')[0].doc.id, 'https://fylke.example.no/vaksne');
    assert.equal(nn.search('voksenopplæring søke grunnskolen')[0].doc.id, 'https://fylke.example.no/vaksne');
    const nb = new SearchIndex(analyzer, [
      doc('voksne', 'Videregående opplæring for voksne', 'Videregående opplæring for voksne', 'Voksne som har fullført grunnskolen, kan søke om voksenopplæring.'),
      doc('buss', 'Buss', 'Buss', 'Bussen går hver time fra sentrum.'),
    ]);
    assert.equal(nb.search('korleis søkjer ein vaksenopplæring?')[0].doc.id, 'https://fylke.example.no/voksne');
  });

  it('splits a compound ending in a short word, or in words the site writes in another form', () => {
    const index = new SearchIndex(analyzer, [
      doc('helse', 'Helse og omsorg', 'Helse', 'Du kan ta helse og omsorg som fag. Det gir fagbrev.'),
      doc('karakter', 'Bedre karakterer', 'Forbedre karakterer', 'Du kan forbedre karakterer som privatist.'),
      doc('buss', 'Buss', 'Buss', 'Bussen går hver time fra sentrum.'),
    ]);
    assert.equal(index.search('helsefag')[0].doc.id, 'https://fylke.example.no/helse');
    assert.equal(index.search('karakterforbedring')[0].doc.id, 'https://fylke.example.no/karakter');
  });

  it('counts how many of the best sections belong to the top page before it orders one section per page', () => {
    const docs = [
      doc('privatist', 'Privatist', 'Privatist', 'Som privatist tar du eksamen uten å være elev.'),
      doc('privatist#oppmelding', 'Privatist', 'Oppmelding', 'Oppmelding til privatisteksamen skjer på nett.'),
      doc('privatist#gebyr', 'Privatist', 'Gebyr', 'Gebyret for privatisteksamen betaler du ved oppmelding.'),
      doc('eksamen', 'Eksamen', 'Eksamen', 'Eksamen for elever.'),
      doc('buss', 'Buss', 'Buss', 'Bussen går hver time fra sentrum.'),
    ];
    const r = new SearchIndex(analyzer, docs).query('privatisteksamen oppmelding', 8);
    assert.equal(r.hits[0].doc.pageUrl, 'https://fylke.example.no/privatist');
    assert.notEqual(r.hits[1].doc.pageUrl, 'https://fylke.example.no/privatist', 'the hits list one section per page first');
    // Four sections meet the question (the exam page through the compound's part): three are the privatist page's.
    assert.equal(r.features.topShare, 0.75);
  });

  it('tries a typo correction for a long word the site never writes that only its parts would meet', () => {
    const index = new SearchIndex(analyzer, [
      doc('rkv', 'Realkompetansevurdering', 'Realkompetansevurdering', 'En realkompetansevurdering viser hva du kan fra før.'),
      doc('vurdering', 'Vurdering', 'Vurdering og karakterer', 'Lærerne gir vurdering underveis. Realkompetanse er det du kan.'),
      doc('buss', 'Buss', 'Buss', 'Bussen går hver time fra sentrum.'),
    ]);
    const [c] = index.analyze('realkompetansevurdring');
    assert.equal(c.splitOnly, false, 'the typo fix vouches for the word');
    assert.equal(index.search('realkompetansevurdring')[0].doc.id, 'https://fylke.example.no/rkv');
  });

  it('reads "23-5" as the 23/5 rule when the site writes it so', () => {
    const index = new SearchIndex(analyzer, [
      doc('regel', '23/5-regelen', '23/5-regelen', 'Med 23/5-regelen kan du få generell studiekompetanse.'),
      doc('kontakt', 'Kontakt', 'Kontakt', 'Ring 5 55 55 55 på hverdager.'),
    ]);
    assert.equal(index.search('23-5 hvilke fag')[0].doc.id, 'https://fylke.example.no/regel');
  });
});
