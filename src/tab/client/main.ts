/**
 * The tab page (bundled by esbuild at server start, served as /tab/app.js). In Teams it signs in
 * with single sign-on and follows Teams' theme; outside Teams it says it is in local mode and
 * offers the development login (when the server has one). Every text from the server is set as
 * text, never as HTML.
 */
import { app, authentication, pages } from '@microsoft/teams-js';
import Chart from 'chart.js/auto';
import { t } from './texts.nb.js';
import { calendarDate, dateTime } from '../../text/time.nb.js';

type View = 'saker' | 'bookinger' | 'statistikk' | 'innstillinger' | 'mine';
type Attrs = Record<string, string | boolean | number | undefined | ((e: Event) => void)>;
type Child = Node | string | undefined | false | null;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== false && c !== null) el.append(c);
  return el;
}

/** Replaces an element's children, skipping empty parts. */
function fill(el: HTMLElement, ...children: (Child | Child[] | Child[][])[]): void {
  el.replaceChildren(...(children.flat(2).filter((c) => c !== undefined && c !== false && c !== null) as (Node | string)[]));
}

const state: { token?: string; me?: { name: string; roles: string[]; mode: string }; inTeams: boolean; view: View; charts: Chart[] } = { inTeams: false, view: 'saker', charts: [] };
const main = () => document.getElementById('innhold') as HTMLElement;
const status = (msg: string, kind: 'info' | 'error' = 'info') => {
  const s = document.getElementById('status') as HTMLElement;
  s.textContent = msg;
  s.dataset.kind = kind;
};

class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: Record<string, unknown>) {
    super(message);
  }
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(state.token ? { authorization: `Bearer ${state.token}` } : {}) } });
  const body = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as Record<string, unknown>) : {};
  if (!res.ok) throw new ApiError(res.status, String(body.error ?? `${t.error} (${res.status})`), body);
  return body as T;
}

/** Downloads a CSV with the user's token (a plain link could not carry it). */
async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${state.token}` } });
  if (!res.ok) return status(`${t.error} (${res.status})`, 'error');
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const csvButton = (what: string, path: string, filename: string) => h('button', { type: 'button', class: 'secondary', onclick: () => void download(path, filename) }, t.csv(what));

function select(id: string, label: string, options: [string, string][], value: string | undefined, onchange: (v: string) => void): HTMLElement {
  const s = h('select', { id, name: id, onchange: (e) => onchange((e.target as HTMLSelectElement).value) }, options.map(([v, l]) => h('option', { value: v, selected: v === (value ?? '') }, l)));
  return h('div', { class: 'field' }, h('label', { for: id }, label), s);
}

function table(caption: string, columns: string[], rows: (Child | Child[])[][], id?: string): HTMLElement {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', { id },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c))))))));
}

const when = (iso: string) => dateTime(iso, new Date());

// ---------------------------------------------------------------- Saker
interface TicketRow { id: string; version: number; state: string; stateLabel: string; sectionLabel: string; region?: string; office?: string; question: string; owner?: { id: string; name: string }; ageHours: number }
const ticketFilters: Record<string, string> = { state: 'apne' };

async function renderSaker(): Promise<void> {
  const q = new URLSearchParams(Object.entries(ticketFilters).filter(([, v]) => v));
  const data = await api<{ tickets: TicketRow[]; facets: { regions: string[]; owners: { id: string; name: string }[]; sections: { id: string; label: string }[]; states: { id: string; label: string }[] }; me: string }>(`/api/tab/tickets?${q}`);
  const set = (k: string) => (v: string) => { ticketFilters[k] = v; void show('saker'); };
  const f = data.facets;
  fill(main(), 
    h('h2', {}, t.views.saker),
    h('form', { class: 'filters', 'aria-label': t.saker.filters, onsubmit: (e) => e.preventDefault() },
      select('f-state', t.saker.state, [['apne', t.saker.stateOpen], ['alle', t.saker.stateAll], ...f.states.map((s): [string, string] => [s.id, s.label])], ticketFilters.state, set('state')),
      select('f-section', t.saker.section, [['', t.saker.any], ...f.sections.map((s): [string, string] => [s.id, s.label])], ticketFilters.section, set('section')),
      select('f-region', t.saker.region, [['', t.saker.any], ...f.regions.map((r): [string, string] => [r, r])], ticketFilters.region, set('region')),
      select('f-owner', t.saker.owner, [['', t.saker.any], [data.me, t.saker.ownerMe], ['ingen', t.saker.ownerNone], ...f.owners.filter((o) => o.id !== data.me).map((o): [string, string] => [o.id, o.name])], ticketFilters.owner, set('owner')),
      select('f-age', t.saker.age, [['', t.saker.any], ...Object.entries(t.saker.ages)], ticketFilters.age, set('age'))),
    data.tickets.length === 0 ? h('p', { class: 'empty' }, t.saker.none)
    : table(t.saker.caption(data.tickets.length), t.saker.cols, data.tickets.map((r) => [
      h('button', { type: 'button', class: 'link', 'aria-label': t.saker.open(r.id), onclick: () => void renderTicket(r.id) }, r.id),
      h('span', { class: `badge state-${r.state}` }, r.stateLabel), r.sectionLabel, r.region ?? '–', r.office ?? '–', t.age(r.ageHours), r.owner?.name ?? '–', r.question,
    ]), 'saker-tabell'),
    h('p', {}, csvButton(t.views.saker, `/api/tab/tickets.csv?${q}`, 'saker.csv')),
  );
}

interface TicketDetail extends TicketRow {
  requester: { name: string };
  situation: { label: string; value: string }[];
  answer?: { text: string; by: { name: string }; at: string };
  pendingQuestion?: { text: string; by: { name: string }; at: string };
  history: { at: string; actor: string; action: string; note?: string }[];
  faq: boolean;
  redacted: boolean;
}

async function renderTicket(id: string, notice?: string): Promise<void> {
  const data = await api<{ ticket: TicketDetail; canAct: boolean; members: { id: string; name: string }[] }>(`/api/tab/tickets/${encodeURIComponent(id)}`);
  const tk = data.ticket;
  const act = async (verb: string, extra: Record<string, string> = {}) => {
    try {
      await api(`/api/tab/tickets/${encodeURIComponent(tk.id)}/${verb}`, { method: 'POST', body: JSON.stringify({ version: tk.version, ...extra }) });
      await renderTicket(tk.id, t.saker.done(tk.id));
    } catch (err) {
      const e = err as ApiError;
      await renderTicket(tk.id, e.message);
      status(e.message, 'error');
    }
  };
  const open = ['ny', 'tatt', 'venter'].includes(tk.state);
  const textAction = (idp: string, label: string, button: string, verb: string) => {
    const area = h('textarea', { id: idp, name: idp, rows: 3, maxlength: 4000, required: true });
    return h('form', { class: 'action', onsubmit: (e) => { e.preventDefault(); if (area.value.trim()) void act(verb, { text: area.value }); } },
      h('label', { for: idp }, label), area, h('button', { type: 'submit' }, button));
  };
  const assignee = h('select', { id: 'tildel-til', name: 'tildel-til' }, data.members.map((m) => h('option', { value: m.id }, m.name)));
  const situation = tk.situation.map((f) => `${f.label}: ${f.value}`).join(' · ');
  fill(main(), 
    h('p', {}, h('button', { type: 'button', class: 'link', onclick: () => void show('saker') }, `← ${t.saker.back}`)),
    h('h2', { id: 'sak-tittel' }, `${tk.id} · ${tk.sectionLabel}`, ' ', h('span', { class: `badge state-${tk.state}` }, tk.stateLabel)),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : undefined,
    h('dl', { class: 'facts' },
      h('dt', {}, t.saker.requester), h('dd', {}, tk.requester.name),
      h('dt', {}, t.saker.owner), h('dd', {}, tk.owner?.name ?? '–'),
      h('dt', {}, t.saker.region), h('dd', {}, tk.region ?? '–'),
      h('dt', {}, 'NAV-kontor'), h('dd', {}, tk.office ?? '–'),
      situation ? [h('dt', {}, t.saker.situation), h('dd', {}, situation)] : []),
    h('h3', {}, t.saker.question), h('p', { class: 'quote' }, tk.redacted ? t.saker.redacted : tk.question),
    tk.pendingQuestion ? [h('h3', {}, t.saker.pending), h('p', { class: 'quote' }, `${tk.pendingQuestion.text} — ${tk.pendingQuestion.by.name}`)] : [],
    tk.answer ? [h('h3', {}, t.saker.answer), h('p', { class: 'quote' }, `${tk.answer.text} — ${tk.answer.by.name}, ${when(tk.answer.at)}`)] : [],
    data.canAct
      ? h('section', { class: 'actions', 'aria-label': 'Handlinger' },
        tk.state === 'ny' ? h('button', { type: 'button', onclick: () => void act('ta') }, t.saker.take) : undefined,
        open && data.members.length ? h('form', { class: 'action inline', onsubmit: (e) => { e.preventDefault(); void act('tildel', { assignee: assignee.value }); } },
          h('label', { for: 'tildel-til' }, t.saker.assignTo), assignee, h('button', { type: 'submit', class: 'secondary' }, t.saker.assign)) : undefined,
        open ? textAction('svar-tekst', t.saker.answerLabel, t.saker.send, 'svar') : undefined,
        tk.state === 'ny' || tk.state === 'tatt' ? textAction('spor-tekst', t.saker.askLabel, t.saker.ask, 'spor') : undefined,
        (tk.state === 'besvart' || tk.state === 'lukket') && tk.answer && !tk.faq && !tk.redacted ? h('button', { type: 'button', class: 'secondary', onclick: () => void act('lagre-faq') }, t.saker.saveFaq) : undefined,
        open || tk.state === 'besvart' ? h('button', { type: 'button', class: 'secondary', onclick: () => void act('lukk') }, t.saker.close) : undefined)
      : h('p', { class: 'notice' }, t.saker.noAccess),
    h('h3', {}, t.saker.history),
    h('ol', { class: 'history' }, tk.history.map((e) => h('li', {}, h('time', { datetime: e.at }, when(e.at)), ` ${e.actor}: ${t.actions[e.action] ?? e.action}`, e.note ? h('span', { class: 'note' }, ` – ${e.note}`) : undefined))),
  );
  (document.getElementById('sak-tittel') as HTMLElement).focus();
}

// ---------------------------------------------------------------- Bookinger
const bookingFilters: Record<string, string> = { when: 'kommende' };
async function renderBookinger(): Promise<void> {
  const q = new URLSearchParams(Object.entries(bookingFilters).filter(([, v]) => v));
  const data = await api<{ bookings: { id: string; state: string; counsellor: string; start: string; end: string; format: string; place?: string; topic: string; veileder: string }[]; facets: { counsellors: { id: string; name: string }[]; offices: string[] } }>(`/api/tab/bookings?${q}`);
  const set = (k: string) => (v: string) => { bookingFilters[k] = v; void show('bookinger'); };
  fill(main(), 
    h('h2', {}, t.views.bookinger),
    h('form', { class: 'filters', 'aria-label': t.views.bookinger, onsubmit: (e) => e.preventDefault() },
      select('b-when', t.bookinger.when, Object.entries(t.bookinger.whens), bookingFilters.when, set('when')),
      select('b-counsellor', t.bookinger.counsellor, [['', t.saker.any], ...data.facets.counsellors.map((c): [string, string] => [c.id, c.name])], bookingFilters.counsellor, set('counsellor')),
      select('b-office', t.bookinger.office, [['', t.saker.any], ...data.facets.offices.map((o): [string, string] => [o, o])], bookingFilters.office, set('office')),
      select('b-state', t.bookinger.state, [['', t.saker.any], ...Object.entries(t.bookinger.states)], bookingFilters.state, set('state'))),
    data.bookings.length === 0 ? h('p', { class: 'empty' }, t.bookinger.none)
    : table(t.bookinger.caption(data.bookings.length), t.bookinger.cols, data.bookings.map((b) => [
      b.id, when(b.start), b.counsellor, `${t.bookinger.formats[b.format] ?? b.format}${b.place ? ` (${b.place})` : ''}`, b.topic, b.veileder,
      h('span', { class: `badge booking-${b.state}` }, t.bookinger.states[b.state] ?? b.state),
    ]), 'bookinger-tabell'),
    h('p', {}, csvButton(t.views.bookinger, `/api/tab/bookings.csv?${q}`, 'bookinger.csv')),
  );
}

// ---------------------------------------------------------------- Statistikk
interface ReportTable { id: string; title: string; description: string; columns: string[]; rows: string[][]; chart?: { type: 'bar' | 'line'; labelColumn: number; valueColumns: number[]; stacked?: boolean; horizontal?: boolean } }
const statsFilters = { granularity: 'week', range: '3m' };
const PALETTE = ['#4f52b2', '#0f7b6c', '#c4314b', '#8a6100', '#5b5fc7', '#616161'];

function drawChart(canvas: HTMLCanvasElement, tb: ReportTable): void {
  const c = tb.chart!;
  const css = getComputedStyle(document.body);
  const fg = css.getPropertyValue('--fg').trim() || '#242424';
  const grid = css.getPropertyValue('--border').trim() || '#d1d1d1';
  // Values shown as "<5" or "–" are not drawn: the chart never reveals a small count.
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : null);
  state.charts.push(new Chart(canvas, {
    type: c.type,
    data: {
      labels: tb.rows.map((r) => r[c.labelColumn]),
      datasets: c.valueColumns.map((col, i) => ({ label: tb.columns[col], data: tb.rows.map((r) => num(r[col])), backgroundColor: PALETTE[i % PALETTE.length], borderColor: PALETTE[i % PALETTE.length], maxBarThickness: 56 })),
    },
    options: {
      indexAxis: c.horizontal ? 'y' : 'x', animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { labels: { color: fg } } },
      scales: { x: { stacked: c.stacked, ticks: { color: fg }, grid: { color: grid } }, y: { stacked: c.stacked, ticks: { color: fg, precision: 0 }, grid: { color: grid }, beginAtZero: true } },
    },
  }));
}

async function renderStatistikk(): Promise<void> {
  const q = new URLSearchParams(statsFilters);
  const r = await api<{ totals: Record<string, string>; tables: ReportTable[] }>(`/api/tab/stats?${q}`);
  const set = (k: 'granularity' | 'range') => (v: string) => { statsFilters[k] = v; void show('statistikk'); };
  const sections = r.tables.map((tb) => {
    // A chart only when something can be drawn (counts under five are not drawn at all).
    const drawable = tb.chart && tb.rows.some((r) => tb.chart!.valueColumns.some((c) => /^\d+$/.test(r[c]) && r[c] !== '0'));
    const canvas = drawable ? h('canvas', { role: 'img', 'aria-label': `Diagram: ${tb.title}. Tallene står i tabellen under.` }) : undefined;
    return h('section', { class: 'stat', id: `stat-${tb.id}`, 'aria-labelledby': `h-${tb.id}` },
      h('h3', { id: `h-${tb.id}` }, tb.title), h('p', { class: 'desc' }, tb.description),
      canvas ? h('div', { class: 'chart' }, canvas) : undefined,
      tb.rows.length ? table(tb.title, tb.columns, tb.rows, `tabell-${tb.id}`) : h('p', { class: 'empty' }, t.stats.empty),
      h('p', {}, csvButton(tb.title, `/api/tab/stats.csv?${q}&table=${tb.id}`, `statistikk-${tb.id}.csv`)));
  });
  fill(main(), 
    h('h2', {}, t.views.statistikk),
    h('form', { class: 'filters', 'aria-label': t.views.statistikk, onsubmit: (e) => e.preventDefault() },
      select('s-granularity', t.stats.granularity, Object.entries(t.stats.granularities), statsFilters.granularity, set('granularity')),
      select('s-range', t.stats.range, Object.entries(t.stats.ranges), statsFilters.range, set('range'))),
    h('ul', { class: 'totals', id: 'nokkeltall' }, Object.entries(r.totals).map(([k, v]) => h('li', {}, h('span', { class: 'big' }, v), h('span', {}, t.stats.totals[k] ?? k)))),
    h('p', { class: 'desc' }, t.stats.suppressed),
    sections,
  );
  for (const tb of r.tables) {
    const canvas = document.querySelector<HTMLCanvasElement>(`#stat-${tb.id} canvas`);
    if (canvas) drawChart(canvas, tb);
  }
}

// ---------------------------------------------------------------- Innstillinger
interface CrawlStatus { running: boolean; finishedAt?: string; progress?: { done: number; queued: number }; error?: string }
async function renderInnstillinger(): Promise<void> {
  const s = await api<{
    siteUrl: string; demoSite: boolean; curatedEntries: number; decision: { fittedAt: string; from: 'counties' | 'usage'; rows: number; counties?: string[]; answer: number; clarify: number; figures?: Record<string, number> }; recrawlMinutes: number; counsellorsFile: string; pages: number;
    lastCrawl?: Record<string, unknown> & { failed: { url: string; reason: string }[] }; crawl: CrawlStatus;
    channels: { teamName?: string; channelName?: string; sections: string[]; regions: string[]; setBy: string; setAt: string }[];
    counsellors: { name: string; mailbox: string; regions: string[]; offices: string[]; languages: string[]; topics: string[] }[];
  }>('/api/tab/settings');
  const progress = h('progress', { id: 'crawl-progress', max: 100, value: 0, 'aria-label': t.settings.refresh, hidden: true });
  const crawlText = h('p', { id: 'crawl-status', role: 'status', 'aria-live': 'polite' }, s.crawl.finishedAt ? t.settings.finished(when(s.crawl.finishedAt)) : '');
  const button = h('button', { type: 'button', id: 'oppdater-na', onclick: () => void recrawl() }, t.settings.refresh);
  const showCrawl = (c: CrawlStatus) => {
    button.disabled = c.running;
    progress.hidden = !c.running;
    const total = (c.progress?.done ?? 0) + (c.progress?.queued ?? 0);
    if (total) progress.value = Math.round((100 * (c.progress?.done ?? 0)) / total);
    crawlText.textContent = c.running ? t.settings.running(c.progress?.done ?? 0, c.progress?.queued ?? 0) : c.error ? `${t.error}: ${c.error}` : c.finishedAt ? t.settings.finished(when(c.finishedAt)) : '';
  };
  const recrawl = async () => {
    let c = await api<CrawlStatus>('/api/tab/crawl', { method: 'POST' });
    showCrawl(c);
    for (let i = 0; i < 3600 && c.running; i++) {
      await new Promise((r) => setTimeout(r, 500));
      c = await api<CrawlStatus>('/api/tab/crawl');
      showCrawl(c);
    }
    if (state.view === 'innstillinger') await renderInnstillinger();
  };
  const rep = s.lastCrawl;
  fill(main(), 
    h('h2', {}, t.views.innstillinger),
    h('section', { 'aria-labelledby': 'h-kilder' },
      h('h3', { id: 'h-kilder' }, t.settings.sources),
      h('dl', { class: 'facts' },
        h('dt', {}, t.settings.site), h('dd', {}, h('a', { href: s.siteUrl, target: '_blank', rel: 'noopener' }, s.siteUrl), s.demoSite ? ` ${t.settings.demo}` : ''),
        h('dt', {}, t.settings.pages), h('dd', { id: 'antall-sider' }, String(s.pages)),
        h('dt', {}, t.settings.curated), h('dd', {}, String(s.curatedEntries))),
      h('p', {}, t.settings.schedule(s.recrawlMinutes)),
      h('p', {}, button, ' ', progress), crawlText,
      rep ? [
        table(t.settings.lastReport, ['Tall', 'Verdi'], Object.entries(t.settings.report).map(([k, label]) => [label, String(Array.isArray(rep[k]) ? (rep[k] as unknown[]).length : rep[k] ?? '–')]), 'crawl-rapport'),
        rep.failed.length ? table(t.settings.failures, ['Side', 'Årsak'], rep.failed.slice(0, 50).map((f) => [f.url, f.reason])) : undefined,
      ] : [h('h4', {}, t.settings.lastReport), h('p', {}, t.settings.noReport)]),
    h('section', { 'aria-labelledby': 'h-terskler' },
      h('h3', { id: 'h-terskler' }, t.settings.decision.heading),
      h('p', { class: 'desc' }, t.settings.decision.intro),
      h('dl', { class: 'facts', id: 'beslutning' },
        h('dt', {}, t.settings.decision.fitted), h('dd', {}, t.settings.decision.fittedFrom(calendarDate(s.decision.fittedAt), s.decision.from, s.decision.rows, s.decision.counties ?? [])),
        h('dt', {}, t.settings.decision.answer), h('dd', {}, t.settings.decision.atLeast(s.decision.answer)),
        h('dt', {}, t.settings.decision.clarify), h('dd', {}, t.settings.decision.atLeast(s.decision.clarify)),
        ...Object.entries(t.settings.decision.figures).filter(([k]) => typeof s.decision.figures?.[k] === 'number').flatMap(([k, label]) => [h('dt', {}, label), h('dd', {}, `${s.decision.figures![k].toFixed(0).replace('.', ',')} %`)]))),
    h('section', { 'aria-labelledby': 'h-kanaler' },
      h('h3', { id: 'h-kanaler' }, t.settings.channels), h('p', { class: 'desc' }, t.settings.channelHelp),
      s.channels.length ? table(t.settings.channels, t.settings.channelCols, s.channels.map((c) => [c.teamName ?? '–', c.channelName ?? '–', c.sections.join(', ') || t.settings.all, c.regions.join(', ') || t.settings.all, c.setBy, when(c.setAt)])) : h('p', {}, t.settings.noChannels)),
    h('section', { 'aria-labelledby': 'h-radgivere' },
      h('h3', { id: 'h-radgivere' }, t.settings.counsellors), h('p', { class: 'desc' }, t.settings.counsellorFile(s.counsellorsFile)),
      table(t.settings.counsellors, t.settings.counsellorCols, s.counsellors.map((c) => [c.name, c.mailbox, c.regions.join(', '), c.offices.join(', ') || '–', c.languages.join(', '), c.topics.join(', ')]))),
  );
  showCrawl(s.crawl);
  if (s.crawl.running) void recrawl();
}

// ---------------------------------------------------------------- Mine saker (veiledere)
interface TalkRow { id: string; version: number; state: string; counsellor: string; start: string; format: string; topic: string; canCancel: boolean }

async function renderMine(notice?: string): Promise<void> {
  const data = await api<{ tickets: (TicketRow & { createdAt: string; answer?: { text: string; by: string; at: string }; pendingQuestion?: { text: string; by: string } })[]; bookings: TalkRow[] }>('/api/tab/mine');
  fill(main(),
    h('h2', {}, t.views.mine),
    notice ? h('p', { class: 'notice', role: 'status', id: 'mine-melding' }, notice) : undefined,
    h('p', { class: 'desc' }, t.mine.intro),
    data.tickets.length === 0 ? [h('p', { class: 'empty' }, t.mine.noTickets), state.me?.mode === 'local' ? h('p', { class: 'desc', id: 'lokal-annen-bruker' }, t.local.otherUser) : undefined]
    : table(t.mine.ticketsCaption(data.tickets.length), t.mine.ticketCols, data.tickets.map((r) => [
      r.id, h('span', { class: `badge state-${r.state}` }, r.stateLabel), r.sectionLabel, when(r.createdAt), r.question,
      r.answer ? `${r.answer.text} — ${r.answer.by}` : r.pendingQuestion ? `${t.mine.question}: ${r.pendingQuestion.text}` : '–',
    ]), 'mine-saker'),
    h('h3', {}, t.mine.talks),
    data.bookings.length === 0 ? h('p', { class: 'empty' }, t.mine.noTalks)
    : table(t.mine.talksCaption(data.bookings.length), [...t.mine.talkCols, t.mine.cancel.column], data.bookings.map((b) => [
      b.id, when(b.start), b.counsellor, t.bookinger.formats[b.format] ?? b.format, b.topic, h('span', { class: `badge booking-${b.state}` }, t.bookinger.states[b.state] ?? b.state),
      b.canCancel ? h('button', { type: 'button', class: 'secondary', 'aria-label': t.mine.cancel.label(b.id), onclick: () => void confirmCancel(b.id) }, t.mine.cancel.button) : '–',
    ]), 'mine-samtaler'),
    h('div', { id: 'avlys' }),
    h('p', { class: 'desc' }, t.mine.howTo),
  );
}

/** The confirm step before cancelling a talk: the talk as it is now, an optional comment, and a way back. */
async function confirmCancel(id: string): Promise<void> {
  const place = document.getElementById('avlys') as HTMLElement;
  let talk: TalkRow;
  try {
    talk = (await api<{ booking: TalkRow }>(`/api/tab/bookings/${encodeURIComponent(id)}`)).booking;
  } catch (err) {
    return status((err as Error).message, 'error');
  }
  if (!talk.canCancel) return renderMine(t.mine.cancel.notOpen(talk.id, t.bookinger.states[talk.state] ?? talk.state));
  const comment = h('textarea', { id: 'avlys-kommentar', name: 'avlys-kommentar', rows: 2, maxlength: 500 });
  const error = h('p', { class: 'error', role: 'alert' });
  const send = async () => {
    try {
      await api(`/api/tab/bookings/${encodeURIComponent(talk.id)}/cancel`, { method: 'POST', body: JSON.stringify({ expectedVersion: talk.version, comment: comment.value.trim() || undefined }) });
      await renderMine(t.mine.cancel.done(talk.id));
    } catch (err) {
      const e = err as ApiError;
      // Changed since it was shown (or no longer open): the list is drawn again as it is now.
      if (e.status === 409) await renderMine(e.message);
      else error.textContent = e.message;
    }
  };
  fill(place,
    h('section', { class: 'actions', 'aria-labelledby': 'avlys-tittel' },
      h('h3', { id: 'avlys-tittel', tabindex: -1 }, t.mine.cancel.heading(talk.id)),
      h('p', {}, t.mine.cancel.what(when(talk.start), talk.counsellor)),
      h('p', { class: 'desc' }, t.mine.cancel.effect),
      h('form', { class: 'action', onsubmit: (e) => { e.preventDefault(); void send(); } },
        h('label', { for: 'avlys-kommentar' }, t.mine.cancel.comment), comment,
        h('p', {}, h('button', { type: 'submit', id: 'avlys-bekreft' }, t.mine.cancel.confirm), ' ',
          h('button', { type: 'button', class: 'secondary', onclick: () => { place.replaceChildren(); } }, t.mine.cancel.keep))),
      error));
  (document.getElementById('avlys-tittel') as HTMLElement).focus();
}

// ---------------------------------------------------------------- shell
function allowedViews(): View[] {
  const roles = state.me?.roles ?? [];
  // A veileder (no county role) sees only their own tickets and talks.
  if (roles.length === 1 && roles[0] === 'veileder') return ['mine'];
  const v: View[] = [];
  if (roles.includes('team') || roles.includes('admin')) v.push('saker', 'bookinger');
  v.push('statistikk');
  if (roles.includes('admin')) v.push('innstillinger');
  return v;
}

async function show(view: View): Promise<void> {
  state.view = view;
  for (const c of state.charts.splice(0)) c.destroy();
  document.querySelectorAll<HTMLButtonElement>('[role=tab]').forEach((b) => {
    const selected = b.dataset.view === view;
    b.setAttribute('aria-selected', String(selected));
    b.tabIndex = selected ? 0 : -1;
  });
  main().setAttribute('aria-busy', 'true');
  try {
    if (view === 'saker') await renderSaker();
    else if (view === 'bookinger') await renderBookinger();
    else if (view === 'statistikk') await renderStatistikk();
    else if (view === 'mine') await renderMine();
    else await renderInnstillinger();
    status('');
  } catch (err) {
    fill(main(), h('p', { class: 'error', role: 'alert' }, (err as Error).message));
  } finally {
    main().removeAttribute('aria-busy');
  }
}

function shell(): void {
  const views = allowedViews();
  if (!views.includes(state.view)) state.view = views[0];
  const tabs = views.map((v) => h('button', { type: 'button', role: 'tab', id: `tab-${v}`, 'data-view': v, 'aria-controls': 'innhold', onclick: () => void show(v) }, t.views[v]));
  const list = h('div', { role: 'tablist', 'aria-label': t.title, onkeydown: (e) => {
    const k = (e as KeyboardEvent).key;
    const i = views.indexOf(state.view);
    const next = k === 'ArrowRight' ? (i + 1) % views.length : k === 'ArrowLeft' ? (i - 1 + views.length) % views.length : k === 'Home' ? 0 : k === 'End' ? views.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    void show(views[next]).then(() => tabs[next].focus());
  } }, tabs);
  const who = state.me ? t.signedInAs(state.me.name, state.me.roles.map((r) => t.roleNames[r] ?? r).join(', ')) : '';
  fill(document.getElementById('app')!, 
    h('header', {}, h('h1', {}, t.title), h('p', { class: 'who', id: 'innlogget' }, who,
      state.me?.mode === 'local' ? [' ', h('button', { type: 'button', class: 'link', onclick: () => { sessionStorage.removeItem('veiviser-token'); location.reload(); } }, t.local.logout)] : [])),
    state.me?.mode === 'local' ? h('p', { class: 'banner', id: 'lokal-modus' }, t.local.banner) : undefined,
    h('nav', {}, list),
    h('p', { id: 'status', role: 'status', 'aria-live': 'polite' }),
    h('main', { id: 'innhold', role: 'tabpanel', tabindex: -1 }),
  );
  void show(state.view);
}

function localLogin(devLogin: boolean): void {
  const root = document.getElementById('app')!;
  if (!devLogin) {
    fill(root, h('header', {}, h('h1', {}, t.title)), h('main', { id: 'innhold' }, h('p', { class: 'banner', id: 'lokal-modus' }, t.local.unavailable)));
    return;
  }
  const name = h('input', { id: 'dev-navn', name: 'navn', autocomplete: 'name', required: true, value: 'Kari Utvikler' });
  const role = h('select', { id: 'dev-rolle', name: 'rolle' }, Object.entries(t.local.roles).map(([v, l]) => h('option', { value: v }, l)));
  const err = h('p', { role: 'alert', class: 'error' });
  fill(root, 
    h('header', {}, h('h1', {}, t.title)),
    h('main', { id: 'innhold' },
      h('p', { class: 'banner', id: 'lokal-modus' }, t.local.banner),
      h('form', { class: 'login', onsubmit: (e) => {
        e.preventDefault();
        void api<{ token: string }>('/api/tab/dev-login', { method: 'POST', body: JSON.stringify({ name: name.value, role: role.value }) })
          .then(async (r) => { state.token = r.token; sessionStorage.setItem('veiviser-token', r.token); await start(); })
          .catch((x: Error) => { err.textContent = x.message; });
      } },
      h('h2', {}, t.local.heading),
      h('div', { class: 'field' }, h('label', { for: 'dev-navn' }, t.local.name), name),
      h('div', { class: 'field' }, h('label', { for: 'dev-rolle' }, t.local.role), role),
      h('button', { type: 'submit' }, t.local.submit), err)),
  );
}

async function start(): Promise<void> {
  // Outside Teams without a session: straight to the sign-in (no request that can only answer 401).
  if (!state.inTeams && !state.token) {
    const cfg = await api<{ devLogin: boolean }>('/api/tab/config');
    return localLogin(cfg.devLogin);
  }
  try {
    state.me = await api('/api/tab/me');
  } catch (err) {
    const e = err as ApiError;
    if (!state.inTeams && e.status === 401) {
      sessionStorage.removeItem('veiviser-token');
      state.token = undefined;
      const cfg = await api<{ devLogin: boolean }>('/api/tab/config');
      return localLogin(cfg.devLogin);
    }
    fill(document.getElementById('app')!, h('header', {}, h('h1', {}, t.title)), h('main', { id: 'innhold' }, h('p', { class: 'error', role: 'alert' }, e.message)));
    return;
  }
  shell();
}

function setTheme(theme: string): void {
  document.body.dataset.theme = theme === 'dark' ? 'dark' : theme === 'contrast' ? 'contrast' : 'default';
  if (state.charts.length) void show(state.view);
}

function configPage(): void {
  const choice = h('select', { id: 'startvisning', name: 'startvisning' }, (['saker', 'statistikk', 'bookinger'] as View[]).map((v) => h('option', { value: v }, t.views[v])));
  fill(document.getElementById('app')!, h('main', { id: 'innhold' },
    h('h1', {}, t.config.heading), h('p', {}, t.config.intro),
    h('div', { class: 'field' }, h('label', { for: 'startvisning' }, t.config.start), choice), h('p', {}, t.config.ready)));
  pages.config.registerOnSaveHandler((ev) => {
    const base = `${location.origin}/tab`;
    pages.config.setConfig({ entityId: `veiviser-${choice.value}`, contentUrl: `${base}?view=${choice.value}`, websiteUrl: `${base}?view=${choice.value}`, suggestedDisplayName: 'Veiviser' })
      .then(() => ev.notifySuccess(), (e: Error) => ev.notifyFailure(e.message));
  });
  pages.config.setValidityState(true);
}

async function boot(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const v = params.get('view');
  if (v === 'saker' || v === 'bookinger' || v === 'statistikk' || v === 'innstillinger' || v === 'mine') state.view = v;
  if (window.parent !== window) {
    try {
      await Promise.race([app.initialize(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 5000))]);
      state.inTeams = true;
    } catch {
      state.inTeams = false;
    }
  }
  if (!state.inTeams) {
    document.body.dataset.theme = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'default';
    state.token = sessionStorage.getItem('veiviser-token') ?? undefined;
    if (params.get('mode') === 'config') return localLogin(false);
    return start();
  }
  const ctx = await app.getContext();
  setTheme(ctx.app.theme);
  app.registerOnThemeChangeHandler(setTheme);
  app.notifySuccess();
  if (params.get('mode') === 'config') return configPage();
  try {
    state.token = await authentication.getAuthToken();
  } catch (err) {
    fill(document.getElementById('app')!, h('main', { id: 'innhold' }, h('p', { class: 'error', role: 'alert' }, `${t.ssoFailed}: ${(err as Error).message}`)));
    return;
  }
  await start();
}

void boot();
