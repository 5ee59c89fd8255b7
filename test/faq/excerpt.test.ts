import assert from 'node:assert/strict';
import { excerpt } from '../../src/faq/excerpt.js';
import { extractPage } from '../../src/faq/extract.js';
import { Analyzer, loadLexicon } from '../../src/faq/text.js';

const analyzer = new Analyzer(loadLexicon());

// A county page as the crawler gets it: a list of conditions, then a paragraph that is not one.
const PAGE = `<!doctype html><html lang="nb"><head><title>Praksiskandidat | Fjordvik fylkeskommune</title></head><body>
<header><nav><a href="/">Forsiden</a> <a href="/fagopplaering/">Fagopplæring</a></nav></header>
<main><article>
<h1>Fagbrev som praksiskandidat</h1>
<p>Har du jobbet i mange år i et fag uten å ha fag- eller svennebrev? Da kan du gå opp til fagprøven som praksiskandidat, uten å ha vært elev eller lærling.</p>
<h2 id="hvem">Hvem kan bli praksiskandidat?</h2>
<p>Du kan melde deg opp som praksiskandidat hvis du</p>
<ul>
<li>har allsidig praksis i faget som er minst 25 prosent lengre enn læretiden</li>
<li><p>har bestått den skriftlige teorieksamenen</p></li>
<li>har betalt prøvegebyret</li>
</ul>
<p>Du trenger ikke fellesfag som norsk, engelsk og matematikk for å få fagbrev som praksiskandidat. Det er ingen aldersgrense.</p>
<h2 id="praksis">Hvor mye praksis kreves?</h2>
<p>Praksistiden regnes i fulltid. Deltid teller forholdsmessig, og praksis fra flere arbeidsgivere kan legges sammen når den er dokumentert.</p>
</article></main>
<footer>Fjordvik fylkeskommune · Org.nr. 999 999 999</footer>
</body></html>`;

describe('excerpt of an extracted section', () => {
  const section = extractPage(PAGE, 'https://fylke.example.no/fagopplaering/praksiskandidat').sections.find((s) => s.anchor === 'hvem');

  it('keeps every list item on one line with its bullet, also an item wrapped in a paragraph', () => {
    assert.ok(section, 'the section "hvem" is extracted');
    const bullets = section.text.split('\n').filter((l) => l.startsWith('• '));
    assert.deepEqual(bullets, ['• har allsidig praksis i faget som er minst 25 prosent lengre enn læretiden', '• har bestått den skriftlige teorieksamenen', '• har betalt prøvegebyret']);
  });

  it('ends the list where the page ends it: the paragraph after the list is not a fourth condition', () => {
    assert.ok(section);
    const ex = excerpt(analyzer, section, 'må en praksiskandidat ha bestått teorieksamen, og trengs fellesfag?');
    const lines = ex.split('\n');
    const items = lines.filter((l) => l.startsWith('- '));
    assert.equal(items.length, 3, ex);
    assert.equal(items.at(-1), '- har betalt prøvegebyret');
    // In CommonMark (Adaptive Cards' Markdown) a line right under a list item continues that
    // item; only a blank line ends the list.
    const last = lines.indexOf('- har betalt prøvegebyret');
    assert.equal(lines[last + 1], '', ex);
    assert.match(lines[last + 2], /^Du trenger ikke fellesfag/, ex);
    // The sentence that introduces the list comes before it, as its own paragraph.
    assert.match(ex, /^Du kan melde deg opp som praksiskandidat hvis du\n\n- har allsidig/, ex);
  });

  it('still gives 2–4 sentences that meet the question when there is no list', () => {
    const praksis = extractPage(PAGE, 'https://fylke.example.no/fagopplaering/praksiskandidat').sections.find((s) => s.anchor === 'praksis');
    assert.ok(praksis);
    const ex = excerpt(analyzer, praksis, 'teller deltid som praksis?');
    assert.ok(!ex.includes('\n'), ex);
    assert.match(ex, /Deltid teller forholdsmessig/);
  });
});
