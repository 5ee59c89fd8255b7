/**
 * What the ticket flow (escalation to the education team) says, in Norwegian bokmål: the texts of
 * the ticket cards and the escalation form, and the messages about tickets (to the veileder, in
 * the team's channel, the agenda, refusals of the edge). State and section names come from the
 * ticket model. Where texts live, and which stay beside their code: src/text/common.nb.ts.
 */
import { SECTION_LABELS, STATE_LABELS, type Situation, type Ticket, type TicketAction, type TicketEvent } from '../tickets/model.js';

type SituationKey = Exclude<keyof Situation, 'navMeasure' | 'deadline'>;

/** "… ago" for messages (the cards' own ages are `age` below). */
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
  // ---------------------------------------------------------------- the cards and the form

  states: STATE_LABELS,
  sections: SECTION_LABELS,

  /** The choices of the mapping form's fields, in the order they are offered. */
  situation: {
    ageBand: { 'under-19': 'Under 19', '19-24': '19–24', '25+': '25 eller eldre' },
    grunnskole: { ja: 'Ja', nei: 'Nei', utlandet: 'Fra utlandet' },
    upperSecondary: {
      ingen: 'Ingen',
      delvis: 'Delvis',
      'fullfort-omvalg': 'Fullført, trenger omvalg',
      'utlandet-ikke-godkjent': 'Fra utlandet, ikke godkjent',
    },
    norwegianLevel: { ukjent: 'Ukjent', A1: 'A1', A2: 'A2', B1: 'B1', B2: 'B2', C1: 'C1' },
  } satisfies Record<SituationKey, Record<string, string>>,

  /** Labels of the situation fields, on the form and on the cards. */
  situationLabels: {
    ageBand: 'Aldersgruppe',
    grunnskole: 'Fullført grunnskole',
    upperSecondary: 'Videregående opplæring',
    norwegianLevel: 'Norsknivå',
    navMeasure: 'NAV-tiltak',
    deadline: 'Frist',
  } satisfies Record<keyof Situation, string>,

  form: {
    title: 'Send saken til utdanningsteamet',
    intro: 'Utdanningsteamet i fylket behandler saken i Teams, og svaret kommer hit til deg.',
    privacy: 'Skriv ikke navn, fødselsnummer, helseopplysninger eller opplysninger om ytelser. Saker med slike opplysninger blir avvist.',
    questionLabel: 'Spørsmålet',
    questionPlaceholder: 'Beskriv situasjonen og hva du lurer på – uten personopplysninger',
    questionError: 'Skriv spørsmålet.',
    sectionLabel: 'Tema',
    sectionPlaceholder: 'Velg tema',
    sectionError: 'Velg et tema.',
    situationHeading: 'Brukerens situasjon (valgfritt)',
    optionalPlaceholder: 'Ikke oppgitt',
    ageBandLabel: 'Aldersgruppe',
    grunnskoleLabel: 'Fullført grunnskole',
    upperSecondaryLabel: 'Videregående opplæring',
    norwegianLevelLabel: 'Norsknivå',
    navMeasureLabel: 'NAV-tiltak det gjelder (kort)',
    navMeasurePlaceholder: 'F.eks. «opplæringstiltak»',
    deadlineLabel: 'Frist (hvis det er en)',
    datePlaceholder: 'Velg en dato',
    officeLabel: 'NAV-kontor',
    officePlaceholder: 'F.eks. «NAV Lillestrøm»',
    consentLabel: 'Samtykke',
    consentTitle: 'Bruker har samtykket til at saken drøftes i utdanningsteamet',
    consentError: 'Saken kan bare sendes når bruker har samtykket til at den drøftes i utdanningsteamet.',
    submit: 'Send til teamet',
    cancel: 'Avbryt',
  },

  card: {
    age: 'Ventet',
    owner: 'Ansvarlig',
    noOwner: 'Ingen ennå',
    office: 'NAV-kontor',
    region: 'Region',
    section: 'Tema',
    consent: 'Samtykke',
    consentAt: (when: string) => `Registrert ${when}`,
    question: 'Spørsmål',
    pendingQuestion: (by: string, when: string) => `Spørsmål til veilederen fra ${by}, ${when}`,
    answer: (by: string, when: string) => `Svar fra ${by}, ${when}`,
    earlierAnswer: (by: string, when: string) => `Tidligere svar fra ${by}, ${when}`,
    fromVeileder: (when: string, followUp: boolean) => (followUp ? `Oppfølgingsspørsmål fra veilederen, ${when}` : `Tilleggsinformasjon fra veilederen, ${when}`),
    history: 'Historikk',
    deliveryProblem: (reason: string) => `Leveringsproblem: ${reason}`,
    redacted: (when: string) => `Teksten i saken er slettet etter lagringstiden (${when}).`,
    savedAsFaq: 'Svaret er lagret som FAQ.',
    take: 'Ta saken',
    assign: 'Tildel til …',
    assignLabel: 'Tildel saken til',
    assignPlaceholder: 'Velg en kollega',
    assignError: 'Velg en kollega.',
    assignSubmit: 'Tildel',
    answerAction: 'Svar',
    answerLabel: 'Svaret til veilederen',
    answerPlaceholder: 'Svaret går til veilederen i personlig chat. Ingen personopplysninger.',
    answerError: 'Skriv svaret.',
    answerSubmit: 'Send svaret',
    ask: 'Still spørsmål til veileder',
    askLabel: 'Spørsmålet til veilederen',
    askPlaceholder: 'Hva trenger teamet å vite? Ingen personopplysninger.',
    askError: 'Skriv spørsmålet.',
    askSubmit: 'Send spørsmålet',
    close: 'Lukk',
    saveFaq: 'Lagre svaret som FAQ',
  },

  veileder: {
    heading: (id: string, state: string) => `Saken din ${id} · ${state}`,
    status: {
      ny: 'Saken er sendt til utdanningsteamet. Ingen har tatt den ennå.',
      /** State ny, but no channel for the team is chosen yet: the truth, and what happens next. */
      waiting: 'Saken venter: utdanningsteamet har ikke valgt en kanal i Teams ennå. Den sendes dit så snart kanalen er valgt.',
      tatt: (owner: string) => `${owner} i utdanningsteamet arbeider med saken.`,
      venter: 'Utdanningsteamet trenger mer informasjon fra deg.',
      besvart: 'Utdanningsteamet har svart.',
      lukket: 'Saken er lukket.',
      trukket: 'Du har trukket saken.',
    },
    sent: 'Sendt',
    yourQuestion: 'Spørsmålet ditt',
    pendingQuestion: (by: string, when: string) => `Spørsmål fra ${by}, utdanningsteamet, ${when}`,
    answer: (by: string, when: string) => `Svar fra ${by}, utdanningsteamet, ${when}`,
    earlierAnswer: (by: string, when: string) => `Tidligere svar fra ${by}, utdanningsteamet, ${when}`,
    general:
      'Svaret er generelt og gjelder situasjonen slik den er beskrevet i saken. Hva som gjelder for brukeren, kan avhenge av mer enn det – en trepartssamtale med fylkets karriereveileder er ofte et godt neste steg.',
    replyToTeam: 'Svar teamet',
    replyLabel: 'Svaret ditt til teamet',
    addInfo: 'Legg til informasjon',
    addInfoLabel: 'Informasjon til teamet',
    infoPlaceholder: 'Ingen navn, fødselsnummer, helseopplysninger eller opplysninger om ytelser.',
    infoError: 'Skriv teksten.',
    send: 'Send',
    withdraw: 'Trekk saken',
    resolve: 'Løst, takk',
    book: 'Bestill trepartssamtale',
    reopen: 'Trenger mer hjelp',
    reopenLabel: 'Hva trenger du mer hjelp med?',
  },

  myTickets: {
    title: 'Mine saker',
    empty: 'Du har ingen saker.',
    show: 'Vis',
    shown: (shown: number, total: number) => `Viser de ${shown} nyeste av ${total} saker.`,
  },

  /** How the short history tells what happened ("Ola Rådgiver tok saken"). */
  events: {
    opprettet: () => 'sendte saken',
    tatt: () => 'tok saken',
    tildelt: (to?: string) => (to ? `tildelte saken til ${to}` : 'tildelte saken'),
    besvart: () => 'svarte',
    spurt: () => 'stilte veilederen et spørsmål',
    'info-lagt-til': () => 'la til informasjon',
    lukket: () => 'lukket saken',
    trukket: () => 'trakk saken',
    gjenapnet: () => 'gjenåpnet saken med et oppfølgingsspørsmål',
    lost: () => 'markerte saken som løst',
    'lagret-som-faq': () => 'lagret svaret som FAQ',
    leveringsfeil: () => 'kunne ikke levere en melding',
    purret: () => 'minnet teamet på saken',
    'sendt-til-kanal': () => 'sendte saken til teamets kanal',
  } satisfies Record<TicketAction, (note?: string) => string>,

  /** The age of a ticket on its card. */
  age: {
    justNow: 'under 1 min',
    minutes: (n: number) => `${n} min`,
    hours: (n: number) => `${n} t`,
    days: (n: number) => (n === 1 ? '1 dag' : `${n} dager`),
  },

  // ---------------------------------------------------------------- messages

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
  channelSet: (filter: string) => `Denne kanalen får nå saker fra Veiviser${filter ? ` for ${filter}` : ''}.`,
  channelNotAllowed: 'Bare en eier av teamet eller en administrator av Veiviser kan velge kanal for saker.',
  channelOnlyInTeams: 'Skriv «@Veiviser bruk denne kanalen» i kanalen som skal få sakene.',
  /** Posted in General when Veiviser makes it the team's escalation channel at install. */
  generalChannelNotice:
    'Saker fra veiledere kommer nå i denne kanalen. Vil dere heller ha dem i en annen kanal, kan en eier av teamet skrive ' +
    '«@Veiviser bruk denne kanalen» i den kanalen. Skal en kanal bare få saker om én seksjon, skriv for eksempel ' +
    '«@Veiviser bruk denne kanalen for eksamen» der. Da kommer de andre sakene fortsatt hit.',
  /** The form was sent without a question or a section (the consent has its own text: form.consentError). */
  formIncomplete: 'Fyll inn spørsmålet (minst 5 tegn) og velg seksjon.',
  /** The agenda's owner column for a ticket nobody has taken. */
  agendaNoOwner: 'ingen ansvarlig',
};
export type TicketTexts = typeof ticketTexts;
