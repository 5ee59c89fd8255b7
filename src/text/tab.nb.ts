/**
 * What the tab's JSON API says to people (src/tab/api.ts, booking-api.ts, auth.ts): refusals,
 * limits and sign-in problems, shown by the tab page as they are. The page's own words (headings,
 * labels, buttons) are in src/tab/client/texts.nb.ts, bundled for the browser with the page.
 */
import type { TicketAction } from '../tickets/model.js';

/** A ticket history event in words («sist: tatt av Ola»), never its key; the tab page shows the same words. */
export const ACTION_LABELS: Record<TicketAction, string> = {
  opprettet: 'opprettet', tatt: 'tatt', tildelt: 'tildelt', besvart: 'besvart', spurt: 'spørsmål til veileder', 'info-lagt-til': 'info fra veileder',
  lukket: 'lukket', trukket: 'trukket', gjenapnet: 'gjenåpnet', lost: 'løst', 'lagret-som-faq': 'lagret som FAQ', leveringsfeil: 'leveringsfeil', purret: 'påminnelse', 'sendt-til-kanal': 'sendt til kanalen',
};

export const tabTexts = {
  rateLimited: 'For mange forespørsler på kort tid. Vent litt og prøv igjen.',
  invalidFilter: 'Ugyldig filter.',
  invalidAction: 'Ugyldig handling.',
  ticketNotFound: 'Fant ikke saken.',
  unknownTable: 'Ukjent tabell.',
  /** A ticket action on a version someone else has changed since. */
  stale: (last: { action: TicketAction; actor: { name: string } } | undefined): string =>
    `Saken er endret siden du så den (sist: ${last ? ACTION_LABELS[last.action] : 'endret'} av ${last?.actor.name ?? 'noen'}). Visningen er oppdatert.`,
  devLogin: {
    absent: 'Utviklerinnlogging finnes ikke i denne installasjonen. Åpne fanen i Teams.',
    incomplete: 'Skriv et navn og velg en rolle.',
  },
  auth: {
    notSignedIn: 'Du er ikke logget inn.',
    devLoginOff: 'Utviklerinnlogging er slått av.',
    devLoginNotHere: 'Utviklerinnlogging finnes ikke her. Åpne fanen i Teams.',
    invalid: 'Ugyldig innlogging.',
    expiredSignInAgain: 'Innloggingen er utløpt. Logg inn igjen.',
    expired: 'Innloggingen er utløpt.',
    ssoNotSetUp: 'Single sign-on er ikke satt opp på serveren (TEAMS_SSO_APP_ID).',
    noTenantAllowed: 'Ingen tenant er tillatt (ALLOWED_TENANT_IDS eller MicrosoftAppTenantId).',
    keysUnavailable: 'Kunne ikke hente Entra ID sine nøkler. Prøv igjen om litt.',
    wrongIssuer: 'Ugyldig utsteder for innloggingen.',
    tenantNotAllowed: 'Organisasjonen din har ikke tilgang til denne Veiviser-installasjonen.',
    missingScope: 'Innloggingen mangler tilgangen access_as_user.',
    missingUserId: 'Innloggingen mangler bruker-id.',
    rosterUnavailable: 'Kunne ikke lese teamets medlemsliste. Prøv igjen om litt.',
    noAccess: 'Du har ikke tilgang til denne delen av fanen.',
  },
  csv: {
    bookings: ['Samtale', 'Status', 'Rådgiver', 'Start', 'Slutt', 'Form', 'Sted', 'Tema', 'Veileder'],
  },
};
