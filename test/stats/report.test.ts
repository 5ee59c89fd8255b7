import assert from 'node:assert/strict';
import { share, statisticsReport, topicFromUrl, topicLabels } from '../../src/stats/report.js';
import type { QuestionRecord } from '../../src/store/store.js';

describe('statistics report (what the tab shows and exports)', () => {
  it('shows a share only when neither count is under five', () => {
    assert.equal(share(9, 12), '75 %');
    assert.equal(share(0, 12), '0 %');
    assert.equal(share(3, 12), '–', '3 of 12 would reveal a small count');
    assert.equal(share(4, 4), '–');
    assert.equal(share(0, 0), '–');
  });

  it('names topics after the site section of the best page', () => {
    const labels = new Map([['eksamen', 'Eksamen og privatist']]);
    assert.equal(topicFromUrl('https://fjordvik.example/eksamen/privatist', labels), 'Eksamen og privatist');
    assert.equal(topicFromUrl('https://fjordvik.example/voksne-opplaering/x', labels), 'Voksne opplaering');
    assert.equal(topicFromUrl(undefined, labels), 'Uten treff');
    assert.equal(topicFromUrl('https://fjordvik.example/', labels), 'Forsiden');
    assert.deepEqual([...topicLabels([{ url: 'https://x.example/eksamen/', title: 'Eksamen – Fjordvik fylkeskommune' }, { url: 'https://x.example/eksamen/privatist', title: 'Privatist' }, { url: 'https://x.example/', title: 'Forside' }])], [['eksamen', 'Eksamen']], 'named by the section\'s own page');
  });

  it('never puts a raw count under five in any table, and keeps the period range', () => {
    const now = new Date('2026-11-20T12:00:00Z');
    const qs: QuestionRecord[] = [];
    for (let i = 0; i < 7; i++) qs.push({ id: `a${i}`, at: '2026-11-18T09:00:00Z', userHash: 'h', conversationType: 'personal', outcome: 'answer', topUrl: 'https://x.example/eksamen/a', office: 'NAV Lia' });
    qs.push({ id: 'e1', at: '2026-11-18T09:00:00Z', userHash: 'h', conversationType: 'personal', outcome: 'escalate', topUrl: 'https://x.example/voksne/a', text: 'realkompetanse for helsefagarbeider' });
    qs.push({ id: 'old', at: '2025-01-10T09:00:00Z', userHash: 'h', conversationType: 'personal', outcome: 'answer' });
    const r = statisticsReport({ questions: qs, tickets: [], bookings: [], offices: ['NAV Lia', 'NAV Sandvåg'], topicOf: (u) => topicFromUrl(u, new Map()), now }, 'week', '3m');
    assert.equal(r.totals.asked, '8', 'the question from 2025 is outside the range');
    for (const t of r.tables) for (const row of t.rows) for (const cell of row.slice(1)) assert.ok(!/^[1-4]$/.test(cell), `${t.id}: ${row.join(';')}`);
    assert.deepEqual(r.tables.find((t) => t.id === 'ubesvart')?.rows, [['Voksne', '<5']], 'no examples by default, and never next to "<5"');
    assert.deepEqual(r.tables.find((t) => t.id === 'kontorer')?.rows, [['NAV Lia', '7', '0'], ['Ukjent kontor', '<5', '0'], ['NAV Sandvåg', '0', '0']]);
    assert.equal(statisticsReport({ questions: qs, tickets: [], bookings: [], offices: [], topicOf: () => 'x', now }, 'month', 'alt').totals.asked, '9');
  });

  describe('example questions in «Ubesvarte spørsmål per tema»', () => {
    const now = new Date('2026-11-20T12:00:00Z');
    const qs: QuestionRecord[] = [];
    const add = (n: number, section: string, text: (i: number) => string, outcome: QuestionRecord['outcome'] = 'escalate') => {
      for (let i = 0; i < n; i++) qs.push({ id: `${section}-${qs.length}`, at: '2026-11-18T09:00:00Z', userHash: 'h', conversationType: 'personal', outcome, topUrl: `https://x.example/${section}/a`, text: text(i) });
    };
    const five = ['lærekontrakt for voksne', 'fagbrev uten læreplass', 'praksiskandidat og permisjon', 'lærling over tjuefem', 'fagprøve i annet fylke'];
    add(5, 'fagopplaering', (i) => five[i], 'clarify');
    add(4, 'inntak', (i) => `bruker i krisesenter vil søke inntak ${'abcd'[i]}`);
    add(1, 'eksamen', () => 'bruker med diagnose vil ta eksamen hjemme');
    const secrets = ['krisesenter', 'diagnose'];
    const input = { questions: qs, tickets: [], bookings: [], offices: [], topicOf: (u: string | undefined) => topicFromUrl(u, new Map()), now };
    const gaps = (r: ReturnType<typeof statisticsReport>) => r.tables.find((t) => t.id === 'ubesvart')!;

    it('shows examples to content editors only for topics with at least five unanswered questions', () => {
      const r = statisticsReport(input, 'week', '3m', { examples: true });
      const t = gaps(r);
      assert.deepEqual(t.columns, ['Tema', 'Ubesvart', 'Eksempler']);
      assert.deepEqual(t.rows, [['Fagopplaering', '5', five.join(' | ')], ['Inntak', '<5', '–'], ['Eksamen', '<5', '–']]);
      assert.match(t.description, /minst 5 ubesvarte/);
      const json = JSON.stringify(r);
      for (const secret of secrets) assert.ok(!json.includes(secret), `"${secret}" (a topic with 1–4) is nowhere in the report`);
    });

    it('gives no examples at all without the editors\' audience (leaders): no column, no text', () => {
      for (const r of [statisticsReport(input, 'week', '3m'), statisticsReport(input, 'month', 'alt', { examples: false })]) {
        const t = gaps(r);
        assert.deepEqual(t.columns, ['Tema', 'Ubesvart']);
        assert.deepEqual(t.rows, [['Fagopplaering', '5'], ['Inntak', '<5'], ['Eksamen', '<5']]);
        const json = JSON.stringify(r);
        for (const text of [...five, ...secrets]) assert.ok(!json.includes(text), `"${text}" is nowhere in the report`);
        assert.doesNotMatch(t.description, /eksempl/i);
      }
    });
  });
});
