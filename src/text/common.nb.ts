/**
 * Everything Veiviser says to people lives in src/text/, in Norwegian bokmål, one file per
 * feature — this file (what every feature says), faq.nb.ts (the FAQ chat: greeting, answers,
 * clarify/escalate/nav cards and the chat's refusals), tickets.nb.ts (escalation to the education
 * team: the ticket cards, the form and the messages about tickets), booking.nb.ts (three-way
 * talks: the booking cards, the notices and the calendar invitation), tab.nb.ts (what the tab's
 * API says: refusals, limits, sign-in) — and time.nb.ts (the one date and time style). The tab
 * page's own words are in src/tab/client/texts.nb.ts, bundled with the page for the browser. A
 * nynorsk or English version is a new file with the same shape.
 *
 * The rule: a text someone reads in Teams, in the tab or in a calendar invitation is written here,
 * never inline in an edge, a card builder or a service. Three kinds of text stay beside their
 * code, because they read best there: a refusal thrown as DomainError keeps its message where
 * the rule is (src/tickets, src/booking: the rule and what it says are one thing); a note a service
 * writes into a record's history stays with the change it records; and messages for operators
 * (config and counsellor-list validation, logs, CLI output) and the HTTP edge's protocol errors
 * to the Bot Connector (src/server.ts) are not user-facing text.
 */

/** «a», «b» og «c». */
export function listNb(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} og ${items[items.length - 1]}`;
}

/** Ends a text as a sentence: one full stop, unless it already ends with . ! ? or … (no «..»). */
export function sentence(text: string): string {
  const t = text.trim().replace(/[\s,;:–-]+$/, '');
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

export const commonTexts = {
  /** A card's form was refused for an identity number in one or more fields (named by their labels). */
  identityInFields: (labels: string[]): string =>
    labels.length === 0
      ? 'Det du sendte, ser ut til å inneholde et fødselsnummer eller D-nummer, så ingenting er lagret eller sendt. Prøv igjen uten fødselsnummer, navn eller helseopplysninger.'
      : `${labels.length === 1 ? 'Feltet' : 'Feltene'} ${listNb(labels.map((l) => `«${l.replace(/[\s:]+$/, '')}»`))} ser ut til å inneholde et fødselsnummer eller D-nummer, så ingenting er lagret eller sendt. Nummeret er fjernet fra ${labels.length === 1 ? 'feltet' : 'feltene'}. Se over og send på nytt – uten fødselsnummer, navn eller helseopplysninger.`,
  /** A card action whose data does not fit its schema. */
  invalidAction: 'Handlingen kunne ikke utføres (ugyldige data).',
  /** A card action with a verb the feature does not know. */
  unknownAction: 'Ukjent handling.',
  error: 'Beklager, noe gikk galt hos meg. Prøv igjen om litt.',
};
