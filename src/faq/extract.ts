/**
 * Turns a county web page into searchable sections. Mozilla's Readability (the engine behind
 * Firefox's reader view) finds the real content and drops menus, headers, footers, cookie
 * banners, breadcrumbs and "related links" boxes; the content is then split at its h2/h3
 * headings, each section keeping its heading and the anchor the page gives it. A section's text
 * keeps one line per block, and a list item is always one line starting with "• " (excerpt.ts
 * shows such lines as a list). The DOM is linkedom's: about eight times faster than jsdom for
 * this (bench/ingest.ts).
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

export interface ExtractedSection {
  heading: string;
  /** The heading's id on the page (for a #anchor link), when it has one. */
  anchor?: string;
  text: string;
}

export interface ExtractedPage {
  title: string;
  /** ISO date of the page's last change, from the page's metadata or the HTTP header. */
  updated?: string;
  sections: ExtractedSection[];
  /** All text of the extracted content (for duplicate detection). */
  text: string;
  /** Absolute URLs of links on the page (without #fragment). */
  links: string[];
  /** The page's rel=canonical URL, when it declares one. */
  canonical?: string;
  /** The page asks not to be indexed (meta robots noindex). */
  noindex: boolean;
}

const BOILERPLATE = 'aside, nav, form, dialog, [role="dialog"], [role="alertdialog"], [role="navigation"], [role="search"], [role="complementary"], body > header, body > footer, [aria-label="Brødsmulesti"], script, style, noscript, template, iframe';
const BLOCK = new Set(['P', 'LI', 'DD', 'DT', 'TD', 'TH', 'BLOCKQUOTE', 'PRE', 'DIV', 'SECTION', 'TR', 'UL', 'OL', 'TABLE', 'FIGCAPTION', 'H4', 'H5', 'H6', 'BR']);

export function extractPage(html: string, pageUrl: string, lastModifiedHeader?: string | null): ExtractedPage {
  const doc = parseHTML(html).document as unknown as Document;
  const links = new Set<string>();
  for (const a of Array.from(doc.querySelectorAll('a[href]'))) {
    const rel = (a.getAttribute('rel') ?? '').toLowerCase();
    if (rel.includes('nofollow')) continue;
    try {
      const u = new URL(a.getAttribute('href') ?? '', pageUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') continue;
      u.hash = '';
      links.add(u.href);
    } catch {
      // an unparseable href is not a link
    }
  }
  const canonicalHref = doc.querySelector('link[rel~="canonical"]')?.getAttribute('href');
  let canonical: string | undefined;
  if (canonicalHref) {
    try {
      canonical = new URL(canonicalHref, pageUrl).href;
    } catch {
      canonical = undefined;
    }
  }
  const robots = doc.querySelector('meta[name="robots"]')?.getAttribute('content') ?? '';
  const noindex = /noindex/i.test(robots);
  const metaDate =
    doc.querySelector('meta[property="article:modified_time"]')?.getAttribute('content') ??
    doc.querySelector('meta[name="dcterms.modified"]')?.getAttribute('content') ??
    doc.querySelector('meta[name="last-modified"]')?.getAttribute('content') ??
    undefined;
  const updated = toIsoDate(metaDate) ?? toIsoDate(lastModifiedHeader ?? undefined);
  const docTitle = doc.querySelector('title')?.textContent ?? '';
  // Landmarks that are never a page's own content, whatever their class names: Readability
  // keeps an <aside> or a form that sits inside <main>, so those go before it runs.
  for (const el of Array.from(doc.querySelectorAll(BOILERPLATE))) el.remove();

  const article = new Readability(doc, { charThreshold: 200 }).parse();
  const title = cleanTitle(article?.title || docTitle || pageUrl);
  const sections: ExtractedSection[] = [];
  if (article?.content) {
    const content = (parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document as unknown as Document).body;
    let current: ExtractedSection = { heading: title, text: '' };
    const flush = (): void => {
      current.text = tidy(current.text);
      if (current.text) sections.push(current);
    };
    // Inside a list item, its paragraphs and line breaks are spaces: one item is one line
    // ("• …"), so the item keeps its bullet and the list ends where the HTML ends it.
    let inItem = 0;
    const walk = (node: Node): void => {
      for (const child of Array.from(node.childNodes)) {
        if (child.nodeType === 3) {
          current.text += child.textContent ?? '';
          continue;
        }
        if (child.nodeType !== 1) continue;
        const el = child as Element;
        const tag = el.tagName;
        if (tag === 'H1') continue;
        if (tag === 'H2' || tag === 'H3') {
          flush();
          const heading = tidy(el.textContent ?? '');
          const anchor = el.getAttribute('id') ?? el.querySelector('[id]')?.getAttribute('id') ?? el.querySelector('a[name]')?.getAttribute('name') ?? undefined;
          current = { heading: heading || title, anchor: anchor || undefined, text: '' };
          continue;
        }
        if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'NOSCRIPT') continue;
        if (tag === 'LI') {
          current.text += '\n• ';
          inItem++;
          walk(el);
          inItem--;
          current.text += '\n';
          continue;
        }
        // A list inside an item starts new items; any other block inside an item is a space.
        const block = BLOCK.has(tag);
        const sep = !block ? '' : inItem > 0 && tag !== 'UL' && tag !== 'OL' ? ' ' : '\n';
        current.text += sep;
        walk(el);
        current.text += sep;
      }
    };
    walk(content);
    flush();
  }
  return { title, updated, sections, text: sections.map((s) => `${s.heading}\n${s.text}`).join('\n'), links: [...links], canonical, noindex };
}

/** Collapses runs of spaces, keeps one newline between blocks. */
function tidy(s: string): string {
  return s
    .replace(/[ \t\u00a0]+/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== '•')
    .join('\n');
}

/** "Praksiskandidat | Fjordvik fylkeskommune" → "Praksiskandidat". */
function cleanTitle(t: string): string {
  const parts = t.split(/\s+[|–—-]\s+/);
  return tidy(parts[0] || t);
}

function toIsoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
