/** Norwegian texts of the ticket flow's messages (the cards' own texts are in messages-tickets.nb.ts). */
import { SECTION_LABELS, type Ticket, type TicketEvent } from '../tickets/model.js';

const ago = (fromIso: string, now: Date): string => {
  const min = Math.max(0, Math.round((now.getTime() - Date.parse(fromIso)) / 60_000));
  if (min < 1) return 'akkurat nå';
  if (min < 60) return `for ${min} min siden`;
  const h = Math.round(min / 60);
  if (h < 24) return `for ${h} t siden`;
  return `for ${Math.round(h / 24)} dager siden`;
};

const DONE: Partial<Record<TicketEvent['action'], string>> = {
  tatt: 'tatt', tildelt: 'tildelt', besvart: 'besvart', spurt: 'sendt med spørsmål til veilederen', lukket: 'lukket', trukket: 'trukket',
  'info-lagt-til': 'oppdatert av veilederen', gjenapnet: 'gjenåpnet', lost: 'markert som løst',
};

export const ticketTexts = {
  channelSummary: (t: Ticket) => `Ny sak ${t.id} · ${SECTION_LABELS[t.section]}`,
  veilederReplyInThread: (t: Ticket, e: TicketEvent) => `**${e.actor.name}** (veileder) ${e.action === 'gjenapnet' ? 'trenger mer hjelp' : 'har lagt til'}:\n\n${e.note ?? ''}`,
  proactiveLead: (t: Ticket, e: TicketEvent, canReopen = false) =>
    e.action === 'besvart' ? `Utdanningsteamet har svart på saken din ${t.id}.`
    : e.action === 'spurt' ? `Utdanningsteamet har et spørsmål om saken din ${t.id}.`
    : e.actor.id === 'veiviser'
      ? `Saken din ${t.id} er lukket av Veiviser, fordi ingen har reagert på svaret på en stund. ${canReopen ? 'Trenger du mer hjelp, kan du åpne den igjen fra kortet.' : 'Trenger du mer hjelp, kan du sende en ny sak.'}`
    : `Saken din ${t.id} er lukket av utdanningsteamet.`,
  /** What a stale action is told: who changed the ticket, and when. */
  staleNotice: (t: Ticket, now: Date) => {
    const last = t.history[t.history.length - 1];
    const what = last ? DONE[last.action] ?? 'endret' : 'endret';
    const who = (last?.actor.name ?? 'noen').trim().replace(/\.+$/, '');
    return `${[`Saken ble ${what} av ${who}`, last ? ago(last.at, now) : ''].filter(Boolean).join(' ')}. Kortet viser nå saken slik den er.`;
  },
  created: (t: Ticket, channelKnown: boolean) =>
    channelKnown
      ? 'Du får svaret her i chatten, og dette kortet viser hvordan det går med saken.'
      : `Saken ${t.id} er lagret, men utdanningsteamet har ikke valgt en kanal i Teams ennå. Be teamet skrive «@Veiviser bruk denne kanalen» i kanalen sin; da sendes saken dit.`,
  reminder: (t: Ticket, hours: number) => `⏰ Påminnelse: sak **${t.id}** (${SECTION_LABELS[t.section]}) har ventet i ${hours} arbeidstimer uten at noen har tatt den.`,
  agenda: (groups: { section: string; lines: string[] }[], now: Date) =>
    groups.length === 0
      ? 'Ingen åpne saker. 🎉'
      : `**Agenda – åpne saker per ${new Intl.DateTimeFormat('nb-NO', { day: 'numeric', month: 'long', timeZone: 'Europe/Oslo' }).format(now)}**\n\n${groups.map((g) => `**${g.section}**\n${g.lines.map((l) => `- ${l}`).join('\n')}`).join('\n\n')}`,
  ageOf: (fromIso: string, now: Date) => ago(fromIso, now).replace(/^for /, '').replace(/ siden$/, ''),
  threadNoTicket: 'Skriv «@Veiviser svar: …» i tråden til et sakskort, så blir svaret sendt til veilederen.',
  threadAnswered: (id: string) => `Svaret er registrert på ${id} og sendt til veilederen.`,
  threadNotAnswered: (t: Ticket) => `Svaret ble ikke registrert: saken ${t.id} kan ikke besvares nå (${t.state}).`,
  faqHeading: 'Svar fra utdanningsteamet',
  formCancelled: 'Greit, saken ble ikke sendt.',
  notMember: 'Bare medlemmer av teamet saken ligger i kan gjøre dette.',
  rosterUnavailable: 'Jeg fikk ikke sjekket medlemslisten til teamet akkurat nå. Prøv igjen om litt.',
  notFound: 'Fant ikke saken.',
  myTicketsEmpty: 'Du har ingen saker.',
  channelSet: (filter: string) => `Denne kanalen får nå saker fra Veiviser${filter ? ` for ${filter}` : ''}.`,
  channelNotAllowed: 'Bare en eier av teamet eller en administrator av Veiviser kan velge kanal for saker.',
  channelOnlyInTeams: 'Skriv «@Veiviser bruk denne kanalen» i kanalen som skal få sakene.',
};
