/**
 * What the FAQ chat says, in Norwegian bokmål: the greeting and help, the answer, clarify,
 * escalate and NAV cards, and the chat's own refusals (too long, an identity number, not ready).
 * Where texts live, and which stay beside their code: src/text/common.nb.ts.
 */
export const faqTexts = {
  welcome: {
    title: 'Hei! Jeg er Veiviser',
    helpTitle: 'Dette kan Veiviser hjelpe med',
    intro: 'Jeg svarer NAV-veiledere på spørsmål om videregående opplæring og fagopplæring for voksne, med svar hentet fra fylkeskommunens egne nettsider – og lenke til siden svaret kommer fra.',
    abilities: [
      { name: 'Spør', text: 'Skriv spørsmålet ditt slik du ville sagt det, f.eks. «hvordan blir man praksiskandidat?»' },
      { name: 'Kilde', text: 'Hvert svar har lenke til siden det kommer fra, og dato for når siden sist ble oppdatert.' },
      { name: 'Ærlig', text: 'Finner jeg ikke et godt svar, sier jeg det, og viser deg hvor du kan spørre et menneske.' },
      { name: 'Book', text: 'Skriv «book» for å finne tid til en trepartssamtale med fylkets karriereveileder.' },
      { name: 'Saker', text: 'Skriv «spør teamet» for å sende et vanskelig spørsmål til fylkets utdanningsteam, og «mine saker» for å se dem.' },
      { name: 'NAV', text: 'Spørsmål om NAVs ytelser, tiltak og aktivitetsplan følger NAVs egne rutiner – dem svarer jeg ikke på.' },
    ],
    general: 'Svarene er generelle. Hva som gjelder for én bruker, avhenger av brukerens situasjon – da er en trepartssamtale med fylkets karriereveileder ofte det beste neste steget.',
    humanHelp: 'Trenger du et menneske? Kontakt fylkets servicetorg (lenke under).',
    privacy: 'Skriv aldri navn, fødselsnummer eller helseopplysninger om brukeren her. Meldinger med fødselsnummer blir avvist.',
    examplesHeading: 'Prøv for eksempel:',
    examples: ['Hvem har rett til videregående som voksen?', 'Hvordan blir man praksiskandidat?', 'Hva er realkompetansevurdering?'],
    contactTitle: 'Kontakt servicetorget',
  },
  teamIntro: 'Hei! Jeg er Veiviser. Nevn meg (@Veiviser) med et spørsmål om videregående opplæring for voksne, så svarer jeg fra fylkets nettsider.',
  answer: {
    source: (title: string) => `Fra siden «${title}»`,
    updated: (date: string) => `Siden ble sist oppdatert ${date}.`,
    general: 'Svaret er generelt og hentet fra fylkets nettsider. Hva som gjelder for en bestemt bruker, kan avhenge av situasjonen.',
    helpful: 'Nyttig',
    notHelpful: 'Ikke nyttig',
    readMore: 'Les mer',
    book: 'Bestill trepartssamtale',
    thanks: 'Takk for tilbakemeldingen!',
    nextStep: 'Takk – beklager at svaret ikke hjalp. Du kan sende saken til utdanningsteamet (skriv «spør teamet»), eller kontakte fylkets servicetorg.',
    contactTitle: 'Kontakt servicetorget',
    others: 'Andre sider som kan passe:',
    navNote: 'Spørsmålet nevner en ytelse eller et tiltak fra NAV. Svaret gjelder fylkets tilbud; hva bruker har rett til fra NAV, følger NAVs egne regler.',
  },
  clarify: {
    title: 'Mente du …?',
    intro: 'Jeg fant flere sider som kan passe. Velg den som ligner mest på det du lurer på:',
    none: 'Ingen av disse',
  },
  escalate: {
    title: 'Jeg fant ikke noe godt svar',
    text: 'Jeg fant ikke noe på fylkets nettsider som svarer godt nok på dette, og jeg vil ikke gjette.',
    nextSteps: 'Neste steg: send saken til utdanningsteamet (med brukerens samtykke), eller kontakt fylkets servicetorg.',
    tips: 'Tips: still ett spørsmål om gangen, og bruk gjerne ord som «fagbrev», «inntak», «realkompetanse» eller «privatist».',
    contactTitle: 'Kontakt servicetorget',
    toTeam: 'Send til utdanningsteamet',
    /** A question about one bruker's own case: the pages cannot answer it, the team can. */
    caseTitle: 'Dette gjelder en bestemt brukers sak',
    caseText: 'Fylkets nettsider svarer på generelle spørsmål, ikke på hvordan det står til med én brukers søknad, vedtak eller avtale. Det kan utdanningsteamet se på.',
    caseTips: 'Skriv ikke navn, fødselsnummer eller helseopplysninger om brukeren i meldingen.',
  },
  nav: {
    title: 'Dette er et NAV-spørsmål',
    text: 'Spørsmål om NAVs ytelser og regelverk – som AAP, tiltakspenger, dagpenger, sykepenger, tiltak og aktivitetsplan – følger NAVs egne rutiner og regelverk. Dem svarer ikke fylkeskommunen på, og Veiviser gjetter ikke.',
    countyPart: 'Gjelder spørsmålet også selve opplæringen (inntak, fagbrev, realkompetanse, eksamen)? Spør meg om den delen for seg.',
  },
  privacyRefusal:
    'Meldingen ser ut til å inneholde et fødselsnummer eller D-nummer, så jeg har ikke behandlet den og ikke lagret den. Veiviser skal ikke ha personopplysninger om brukere. Still spørsmålet på nytt uten nummeret, navn eller helseopplysninger.',
  tooLong: (max: number) => `Meldingen er for lang. Skriv spørsmålet kortere (høyst ${max} tegn), gjerne ett spørsmål om gangen.`,
  emptyMessage: 'Skriv et spørsmål, eller «hjelp» for å se hva jeg kan.',
  feedbackNotYours: 'Du kan bare gi tilbakemelding på dine egne spørsmål.',
  unknownQuestion: 'Jeg fant ikke dette spørsmålet lenger. Still det gjerne på nytt.',
  unknownSection: 'Denne siden finnes ikke lenger i fylkets nettsider. Still spørsmålet på nytt.',
  notReady: 'Jeg henter fortsatt inn fylkets nettsider. Prøv igjen om et øyeblikk.',
};
