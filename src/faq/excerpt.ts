/**
 * The excerpt on an answer card: 2–4 sentences of a section that best meet the question, in the
 * section's own order, written in the Markdown subset Adaptive Cards render (CommonMark).
 *
 * A list (lines starting with "• ", as extract.ts writes list items) is one unit: shown whole,
 * under the sentence that introduces it, never as one item cut out of its context. It is set off
 * by blank lines, because in CommonMark a line that follows a list item without one continues
 * that item: the paragraph after a list would otherwise read as its last bullet («• har betalt
 * prøvegebyret Du trenger ikke fellesfag …»). The list ends on the card where it ends on the page.
 */
import type { SectionDoc } from './search-index.js';
import { type Analyzer, words } from './text.js';

/** A sentence, or a whole list (its items). */
interface Unit {
  text: string;
  items?: string[];
}

export function excerpt(analyzer: Analyzer, doc: Pick<SectionDoc, 'text'>, question: string, maxChars = 480): string {
  const units = unitsOf(doc.text);
  if (units.length === 0) return '';
  const q = new Set(words(question).filter((w) => !analyzer.isStopword(w)).map((w) => analyzer.stem(w)));
  // Question words met, a list counting per pair of items (a long list is not better for being
  // long); the section's first sentence says what it is about, so it starts with a head start.
  const score = (u: Unit, i: number): number => words(u.text).filter((w) => q.has(analyzer.stem(w))).length / (u.items ? Math.max(1, u.items.length / 2) : 1) + (i === 0 ? 0.5 : 0);
  const chosen = new Set<number>([0]);
  const length = (): number => [...chosen].reduce((n, i) => n + units[i].text.length, 0);
  for (const c of units.map((u, i) => ({ i, s: score(u, i) })).sort((x, y) => y.s - x.s || x.i - y.i)) {
    if (chosen.size >= 4 || (chosen.size >= 2 && (c.s === 0 || length() + units[c.i].text.length > maxChars))) break;
    if (chosen.has(c.i)) continue;
    chosen.add(c.i);
    // A list needs the sentence that introduces it.
    if (units[c.i].items && c.i > 0 && !units[c.i - 1].items) chosen.add(c.i - 1);
  }
  if (chosen.size < 2 && units.length > 1) chosen.add(1);

  // Sentences run on as one paragraph; a list is a block of its own between blank lines.
  const blocks: string[] = [];
  let prose: string[] = [];
  for (const i of [...chosen].sort((x, y) => x - y)) {
    const u = units[i];
    if (!u.items) {
      prose.push(u.text);
      continue;
    }
    if (prose.length) blocks.push(prose.join(' '));
    prose = [];
    blocks.push(u.items.map((it) => `- ${it}`).join('\n'));
  }
  if (prose.length) blocks.push(prose.join(' '));
  return clip(blocks.join('\n\n'), maxChars + 200);
}

/** A section's text as sentences and lists, in order. */
function unitsOf(text: string): Unit[] {
  const seg = new Intl.Segmenter('nb', { granularity: 'sentence' });
  const units: Unit[] = [];
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith('• ')) {
      const items: string[] = [];
      while (i < lines.length && lines[i].startsWith('• ')) items.push(lines[i++].slice(2).trim());
      i--;
      units.push({ text: items.join(' '), items });
    } else {
      for (const sg of seg.segment(lines[i])) if (sg.segment.trim().length > 1) units.push({ text: sg.segment.trim() });
    }
  }
  return units;
}

/** Cuts a long excerpt at a word boundary, with " …". */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : max)} …`;
}
