/**
 * End to end through a Teams mock: the real app (in-process, port 0, temp data dir, bundled demo
 * county site) + the Microsoft 365 Agents Playground (pinned @microsoft/m365agentsplayground,
 * offline, Veiviser's test tenant) + its web UI in headless Debian Chromium (playwright-core).
 * A veileder asks in personal chat, gets an answer card with a "Les mer" link to the county page,
 * clicks "Nyttig", and the feedback is stored.
 *
 * Needs /usr/bin/chromium (apt-get install -y chromium): without it the suite is skipped, or
 * fails when CI=true. Screenshots go to test-artifacts/ (gitignored).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Locator, type Page } from 'playwright-core';
import { type App } from '../../src/app.js';
import { type Playground } from '../../src/cli/playground.js';
import { ARTIFACTS, requireChromium, startPlaygroundSession, type PlaygroundSession } from '../helpers/e2e.js';

const QUESTION = 'hvordan blir man praksiskandidat?';
const EXPECTED_PATH = '/fagopplaering/praksiskandidat';

describe('e2e: Microsoft 365 Agents Playground (Teams mock) + headless Chromium', function () {
  this.timeout(120_000);

  let session: PlaygroundSession | undefined;
  let app: App | undefined;
  let playground: Playground | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;

  before(async function () {
    requireChromium(this, 'playground e2e');
    session = await startPlaygroundSession({ prefix: 'playground', viewport: { width: 1400, height: 1000 } });
    ({ app, playground, context, page } = session);
    assert.ok(app?.faq()?.size, 'the index is built');
  });

  afterEach(async function () {
    // Evidence for CI: what the UI showed, what the playground logged, what the bot logged.
    if (this.currentTest?.state === 'failed') await session?.saveFailure();
  });

  after(async function () {
    this.timeout(30_000);
    await session?.stop();
  });

  it('answers a question in personal chat with a card linking to the county page, and stores "Nyttig" feedback', async function () {
    const p = page!;
    await p.goto(`${playground!.url}/`, { waitUntil: 'domcontentloaded' });
    await p.getByText('Personal Chat', { exact: true }).first().click();
    const box = p.locator('[role=textbox]').first();
    await box.click();
    await box.pressSequentially(QUESTION);
    await p.keyboard.press('Enter');

    const cards = p.locator('.ac-adaptiveCard');
    const answerCard = cards.filter({ has: p.getByRole('link', { name: 'Les mer' }) }).last();
    const clarifyCard = cards.filter({ hasText: 'Mente du' }).last();
    await answerCard.or(clarifyCard).first().waitFor();
    if (!(await answerCard.count())) {
      // "Mente du …?": choose the candidate about becoming a praksiskandidat (Action.Execute
      // "choose"); the bot replaces the card with the answer card for that section.
      const candidate: Locator = clarifyCard.getByRole('button').filter({ hasText: /praksiskandidat/i }).first();
      console.log(`      (the bot asked "Mente du …?"; choosing «${(await candidate.innerText()).trim()}»)`);
      await candidate.click();
      await answerCard.waitFor();
    }

    // Heading (TextBlock style "heading") and the "Les mer" Action.OpenUrl to the page#anchor.
    const heading = (await answerCard.getByRole('heading').first().innerText()).trim();
    assert.ok(heading.length > 3, `the answer card has a heading (got ${JSON.stringify(heading)})`);
    const readMore = answerCard.getByRole('link', { name: 'Les mer' });
    const href = await readMore.getAttribute('title'); // the playground's renderer puts the OpenUrl target here
    assert.ok(href, '"Les mer" carries its URL');
    const url = new URL(href);
    assert.equal(url.origin, new URL(app!.siteUrl).origin, `"Les mer" points at the demo county site (${href})`);
    assert.equal(url.pathname.replace(/\/$/, ''), EXPECTED_PATH, `"Les mer" points at the praksiskandidat page (${href})`);
    assert.match(url.hash, /^#[\w-]+$/, `"Les mer" points at a section anchor (${href})`);
    assert.equal(await answerCard.getByRole('button', { name: 'Nyttig', exact: true }).count(), 1);
    assert.equal(await answerCard.getByRole('button', { name: 'Ikke nyttig', exact: true }).count(), 1);

    // Clicking "Les mer" opens the county page, and the anchor exists there.
    const [popup] = await Promise.all([context!.waitForEvent('page'), readMore.click()]);
    await popup.waitForLoadState('domcontentloaded');
    assert.equal(popup.url(), href);
    assert.equal(await popup.locator(url.hash).count(), 1, `the page has the section ${url.hash}`);
    await popup.close();

    await p.screenshot({ path: join(ARTIFACTS, 'playground-answer.png'), fullPage: true });

    // "Nyttig" (Action.Execute verb "feedback"): the card is replaced by one that says thanks.
    await answerCard.getByRole('button', { name: 'Nyttig', exact: true }).click();
    await p.getByText('Takk for tilbakemeldingen!', { exact: true }).waitFor();
    assert.equal(await p.getByRole('button', { name: 'Nyttig', exact: true }).count(), 0, 'the feedback buttons are gone');
    await p.screenshot({ path: join(ARTIFACTS, 'playground-feedback.png'), fullPage: true });

    // The invoke returned only after the store was written.
    const questions = await app!.store.listQuestions();
    assert.equal(questions.length, 1, 'one question recorded');
    const [q] = questions;
    assert.equal(q.conversationType, 'personal');
    assert.ok(q.topUrl?.includes(EXPECTED_PATH), `the recorded top hit is the praksiskandidat page (${q.topUrl})`);
    assert.equal(q.feedback?.helpful, true, 'feedback "Nyttig" stored on the question');

    // The README's picture of an answer, refreshed only when asked (UPDATE_SCREENSHOTS=1).
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      const docs = fileURLToPath(new URL('../screenshots/', import.meta.url));
      mkdirSync(docs, { recursive: true });
      copyFileSync(join(ARTIFACTS, 'playground-feedback.png'), join(docs, 'faq-answer.png'));
    }
  });
});
