/**
 * What booking (three-way talks) says, in Norwegian bokmål: the form, the slots and the talk's
 * card, what each side is told when a talk changes, the edge's own notices, and the calendar
 * invitation and .ics file for the bruker. Where texts live, and which stay beside their code:
 * src/text/common.nb.ts.
 */
import type { BookingState } from '../booking/model.js';
import { sentence } from './common.nb.js';

export const bookingTexts = {
  formTitle: 'Bestill en trepartssamtale',
  formIntro: 'Veileder, bruker og en karriereveileder i fylket. Fyll inn det du vet, så foreslår Veiviser konkrete ledige tider.',
  privacy: 'Bruk initialer eller kallenavn for brukeren – aldri fullt navn eller fødselsnummer. E-post til brukeren bare med samtykke; den brukes bare til invitasjonen.',
  labels: {
    alias: 'Brukerens initialer eller kallenavn', aliasError: 'Skriv initialer eller et kallenavn (høyst 12 tegn).', region: 'Region', regionPlaceholder: 'Velg region', regionError: 'Velg regionen bruker bor i.', format: 'Form',
    topic: 'Tema', duration: 'Varighet (minutter)', interpreter: 'Tolk (språk), hvis det trengs', timeOfDay: 'Tid på dagen', any: 'Når som helst',
    morning: 'Formiddag', afternoon: 'Ettermiddag', veilederJoins: 'Veilederen er med (brukeren bestemmer)', email: 'Brukerens e-post (valgfritt, med samtykke)', find: 'Finn ledige tider',
  },
  formats: [{ title: 'Teams', value: 'teams' }, { title: 'Telefon', value: 'phone' }, { title: 'Oppmøte', value: 'inPerson' }],
  slotsTitle: 'Ledige tider',
  slotsIntro: 'Velg en tid. Tiden holdes for deg mens rådgiveren svarer.',
  noSlots: 'Fant ingen ledige tider de neste ukene for det du valgte. Prøv en annen region, form eller tid på dagen.',
  more: 'Andre tider',
  taken: 'Tiden ble nettopp tatt av en annen. Her er nye forslag.',
  /** A talk that does not exist (or, in the tab, is not the asker's: ids cannot be probed). */
  notFound: 'Fant ikke samtalen.',
  /** A card action on a talk by someone who is neither its veileder nor its counsellor. */
  notYourTalk: 'Bare veilederen eller rådgiveren samtalen gjelder, kan gjøre dette.',
  states: { holdt: 'Venter på svar fra rådgiveren', foreslatt: 'Rådgiveren foreslår et annet tidspunkt', bekreftet: 'Bekreftet', avslatt: 'Avslått', utlopt: 'Utløpt – ingen svar', avlyst: 'Avlyst' } as Record<BookingState, string>,
  formatNames: { teams: 'Teams', phone: 'Telefon', inPerson: 'Oppmøte' } as Record<string, string>,
  buttons: {
    join: 'Bli med i Teams-møtet', ics: 'Kalenderfil (.ics) til brukeren', accept: 'Godta', decline: 'Avslå', reason: 'Grunn', reasonError: 'Skriv en kort grunn.', sendDecline: 'Send avslag',
    propose: 'Foreslå annen tid', date: 'Dato', datePlaceholder: 'Velg en dato', dateError: 'Velg en dato.', time: 'Klokkeslett', timePlaceholder: 'Velg et klokkeslett', timeError: 'Velg et klokkeslett.', sendPropose: 'Send forslag',
    acceptProposal: 'Godta nytt tidspunkt', retry: 'Finn nye tider', cancel: 'Avlys', comment: 'Kommentar (valgfritt)', sendCancel: 'Avlys samtalen',
  },
  demoMeeting: 'Teams-møtet er bare en demo: den innebygde kalenderen i Veiviser lager ikke ekte Teams-møter, så det finnes ingen møtelenke å bli med fra. Med Microsoft 365-kalenderen kommer lenken til Teams-møtet her.',
  /** What each side is told when a talk changes (the card follows). */
  announce: {
    requested: (veileder: string) => sentence(`Ny forespørsel om trepartssamtale fra ${veileder}`),
    confirmedVeileder: (id: string) => `Trepartssamtalen ${id} er bekreftet.`,
    confirmedCounsellor: (id: string) => `Trepartssamtalen ${id} er bekreftet og lagt i kalenderen din.`,
    declined: (counsellor: string, reason?: string) => `${reason?.trim() ? `${counsellor} kan ikke ta samtalen: ${sentence(reason)}` : sentence(`${counsellor} kan ikke ta samtalen`)} Finn nye tider under.`,
    proposedByVeileder: (veileder: string, id: string) => `${veileder} foreslår å flytte trepartssamtalen ${id}.`,
    proposedByCounsellor: (counsellor: string) => `${counsellor} foreslår et annet tidspunkt.`,
    expired: (counsellor: string) => `${counsellor} svarte ikke i tide, så tiden er frigitt. Finn nye tider under.`,
    cancelledByVeileder: (veileder: string, id: string) => `${veileder} har avlyst trepartssamtalen ${id}.`,
    cancelledByCounsellor: (counsellor: string, id: string) => `${counsellor} har avlyst trepartssamtalen ${id}. Finn nye tider under.`,
    moved: (counsellor: string, id: string) => `${counsellor} har flyttet trepartssamtalen ${id} i kalenderen sin.`,
    reminder: (id: string) => `Påminnelse: trepartssamtalen ${id} er om mindre enn 24 timer.`,
  },
  footer: 'Agenda: veien til målet, realkompetanse og sluttkompetanse, livsopphold (NAVs ansvar), hvem gjør hva.',
  reminderComing: 'Påminnelse kommer 24 timer før.',
  noReminder: 'Samtalen ble bekreftet mindre enn et døgn før den skal være, så det kommer ingen egen påminnelse.',
  heldUntil: 'Holdes til',
  heldNotice: (until: string) => `Tiden holdes til ${until}. Svarer ikke rådgiveren innen da, blir tiden frigitt.`,
  /** The facts on a talk's card. */
  title: (id: string) => `Trepartssamtale ${id}`,
  facts: {
    status: 'Status', time: 'Tid', proposed: 'Foreslått tid', format: 'Form', place: 'Sted', topic: 'Tema', interpreter: 'Tolk',
    bruker: 'Bruker', veileder: 'Veileder', counsellor: 'Rådgiver', reason: 'Grunn',
  },
  /** After the veileder's name when the veileder does not join the talk. */
  notJoining: ' (deltar ikke)',
  /** The form was sent without what a search needs. */
  checkFields: 'Sjekk feltene: region, initialer (høyst 12 tegn), form og tema må fylles inn; e-post må være gyldig.',
  /** The veileder's card after a request: sent (and held until), or waiting for the counsellor to use Veiviser. */
  requestSent: (counsellor: string, until: string) => `${sentence(`Forespørselen er sendt til ${counsellor}`)} ${bookingTexts.heldNotice(until)}`,
  requestWaiting: (counsellor: string) => `${counsellor} har ikke tatt i bruk Veiviser i Teams ennå, så forespørselen venter til hen gjør det. Tiden holdes imens.`,
  proposedTimeTaken: 'Det foreslåtte tidspunktet er ikke ledig. Velg et annet.',
  /** "jeg er rådgiver <navn>": who the user says they are. */
  claim: {
    unknown: (who: string) => `Fant ingen rådgiver «${who.slice(0, 60)}» i rådgiverlista.`,
    emailMismatch: 'E-postadressen din i Teams stemmer ikke med rådgiverens adresse i lista.',
    linked: (counsellor: string) => `${sentence(`Du er nå registrert som ${counsellor}`)} Forespørsler om trepartssamtaler kommer hit.`,
  },
  /** The calendar invitation (HTML body) and the .ics file for the bruker. `placeHtml` is escaped by the caller. */
  invitation: {
    subject: 'Trepartssamtale – karriereveiledning',
    bodyHtml: (format: string, placeHtml: string) =>
      '<p>Trepartssamtale mellom bruker, NAV-veileder og karriereveileder i fylket.</p>' +
      '<p><b>Agenda</b></p><ul><li>Veien til målet: opplæring og læringsløp</li><li>Realkompetanse og sluttkompetanse</li><li>Livsopphold og egenfinansiering (NAVs ansvar)</li><li>Hvem gjør hva, og når snakkes vi igjen</li></ul>' +
      '<p><b>Tre spørsmål å tenke på før samtalen</b></p><ol><li>Hva vil du jobbe med om tre år?</li><li>Hva har du gjort før – skole, jobb, frivillig – som du er stolt av?</li><li>Hva trenger du for å klare opplæringen: tid, penger, tilrettelegging?</li></ol>' +
      `<p>${format === 'teams' ? 'Samtalen er på Teams (lenke i invitasjonen).' : format === 'phone' ? 'Samtalen er på telefon.' : `Sted: ${placeHtml}`}</p>` +
      '<p>Trenger du å avlyse eller flytte? Svar på invitasjonen eller ta kontakt med NAV-veilederen din.</p>',
    icsDescription: 'Samtale med NAV-veileder og karriereveileder i fylket. Tenk gjennom: 1) Hva vil du jobbe med om tre år? 2) Hva har du gjort før som du er stolt av? 3) Hva trenger du for å klare opplæringen? Må du avlyse, ta kontakt med NAV-veilederen din.',
    icsPhone: 'Telefon',
    icsTeams: 'Teams',
  },
};
