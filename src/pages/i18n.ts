// Page texts in the three languages the hosted pages speak. A session language outside these falls back
// to English, as Signicat's does; `no` is Norwegian Bokmål.
import type { PageLang } from '../model/languages.ts';

export type { PageLang };

/**
 * The page language for a session's language tag (any BCP 47 tag: only its primary subtag counts). nb, no
 * and se (Northern Sámi, until the pages speak it) are Bokmål, nn is Nynorsk, everything else English.
 */
export function pageLang(language: string | undefined): PageLang {
  const l = (language ?? '').toLowerCase().split(/[-_]/)[0];
  if (l === 'nb' || l === 'no' || l === 'se') return 'nb';
  if (l === 'nn') return 'nn';
  return 'en';
}

/** Language from the Accept-Language header, for pages without a session. */
export function langFromHeader(header: string | undefined): PageLang {
  for (const part of (header ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase().slice(0, 2);
    if (tag === 'nb' || tag === 'no' || tag === 'nn' || tag === 'en') return pageLang(tag);
  }
  return 'en';
}

const T = {
  errorTitle: { nb: 'Noe gikk galt', nn: 'Noko gjekk gale', en: 'Something went wrong' },
  notFound: { nb: 'Siden finnes ikke.', nn: 'Sida finst ikkje.', en: 'This page does not exist.' },
  generic: {
    nb: 'Vi kunne ikke fullføre forespørselen. Gå tilbake til tjenesten og prøv igjen.',
    nn: 'Vi kunne ikkje fullføre førespurnaden. Gå tilbake til tenesta og prøv igjen.',
    en: 'We could not complete the request. Go back to the service and try again.',
  },
  reference: { nb: 'Referanse', nn: 'Referanse', en: 'Reference' },
  chooseTitle: { nb: 'Velg innloggingsmetode', nn: 'Vel innloggingsmetode', en: 'Choose how to log in' },
  chooseIntro: { nb: 'Logg inn for å fortsette.', nn: 'Logg inn for å halde fram.', en: 'Log in to continue.' },
  cancel: { nb: 'Avbryt', nn: 'Avbryt', en: 'Cancel' },
  expiredTitle: { nb: 'Innloggingen er utløpt', nn: 'Innlogginga har gått ut', en: 'The login has expired' },
  expiredBody: {
    nb: 'Det tok for lang tid. Gå tilbake til tjenesten og start på nytt.',
    nn: 'Det tok for lang tid. Gå tilbake til tenesta og start på nytt.',
    en: 'It took too long. Go back to the service and start again.',
  },
  finishedTitle: { nb: 'Innloggingen er avsluttet', nn: 'Innlogginga er avslutta', en: 'This login has ended' },
  finishedBody: {
    nb: 'Denne innloggingen er allerede fullført eller avbrutt. Gå tilbake til tjenesten.',
    nn: 'Denne innlogginga er allereie fullført eller avbroten. Gå tilbake til tenesta.',
    en: 'This login has already been completed or cancelled. Go back to the service.',
  },
  backToService: { nb: 'Tilbake til tjenesten', nn: 'Tilbake til tenesta', en: 'Back to the service' },
  otherBrowser: {
    nb: 'Innloggingen ble startet i en annen nettleser. Start på nytt fra tjenesten.',
    nn: 'Innlogginga vart starta i ein annan nettlesar. Start på nytt frå tenesta.',
    en: 'This login was started in another browser. Start again from the service.',
  },
  skip: { nb: 'Hopp til hovedinnhold', nn: 'Hopp til hovudinnhald', en: 'Skip to main content' },
  unavailableTitle: { nb: 'Innlogging er ikke tilgjengelig', nn: 'Innlogging er ikkje tilgjengeleg', en: 'Login is not available' },
  unavailableBody: {
    nb: 'Tjenesten har ingen innloggingsmetode som kan brukes nå. Prøv igjen senere.',
    nn: 'Tenesta har ingen innloggingsmetode som kan brukast no. Prøv igjen seinare.',
    en: 'The service has no login method that can be used right now. Try again later.',
  },
  otherBrowserTitle: { nb: 'Feil nettleser', nn: 'Feil nettlesar', en: 'Wrong browser' },
  notFoundTitle: { nb: 'Fant ikke innloggingen', nn: 'Fann ikkje innlogginga', en: 'Login not found' },
  notFoundBody: {
    nb: 'Lenken er ugyldig eller for gammel. Gå tilbake til tjenesten og start på nytt.',
    nn: 'Lenkja er ugyldig eller for gammal. Gå tilbake til tenesta og start på nytt.',
    en: 'The link is not valid or too old. Go back to the service and start again.',
  },
  frameTitle: { nb: 'Logg inn', nn: 'Logg inn', en: 'Log in' },
  frameIntro: {
    nb: 'Innloggingen åpnes i et nytt vindu. Når du er ferdig der, fortsetter du her.',
    nn: 'Innlogginga opnar seg i eit nytt vindauge. Når du er ferdig der, held du fram her.',
    en: 'The login opens in a new window. When you are done there, you continue here.',
  },
  newWindow: { nb: '(åpnes i nytt vindu)', nn: '(opnar seg i nytt vindauge)', en: '(opens in a new window)' },
  frameWaiting: {
    nb: 'Venter på at du logger inn i det andre vinduet …',
    nn: 'Ventar på at du loggar inn i det andre vindauget …',
    en: 'Waiting for you to log in in the other window …',
  },
  stateMismatchTitle: { nb: 'Innloggingen ble ikke fullført', nn: 'Innlogginga vart ikkje fullført', en: 'The login was not completed' },
  stateMismatchBody: {
    nb: 'Svaret fra innloggingstjenesten passet ikke med innloggingen din. Prøv igjen, eller avbryt.',
    nn: 'Svaret frå innloggingstenesta passa ikkje med innlogginga di. Prøv igjen, eller avbryt.',
    en: 'The answer from the identity provider did not match your login. Try again, or cancel.',
  },
  tryAgain: { nb: 'Prøv igjen', nn: 'Prøv igjen', en: 'Try again' },
  notFinishedTitle: { nb: 'Noe gikk galt hos oss', nn: 'Noko gjekk gale hos oss', en: 'Something went wrong on our side' },
  notFinishedBody: {
    nb: 'Vi kunne ikke fullføre innloggingen din. Gå tilbake til tjenesten og prøv igjen om litt.',
    nn: 'Vi kunne ikkje fullføre innlogginga di. Gå tilbake til tenesta og prøv igjen om litt.',
    en: 'We could not complete your login. Go back to the service and try again in a moment.',
  },
  notFramableTitle: { nb: 'Kan ikke vises her', nn: 'Kan ikkje visast her', en: 'Cannot be shown here' },
  notFramableBody: {
    nb: 'Denne innloggingen kan ikke vises inne i en annen side. Åpne lenken i et eget vindu.',
    nn: 'Denne innlogginga kan ikkje visast inne i ei anna side. Opne lenkja i eit eige vindauge.',
    en: 'This login cannot be shown inside another page. Open the link in a window of its own.',
  },
  windowDoneTitle: { nb: 'Ferdig', nn: 'Ferdig', en: 'Done' },
  windowDoneBody: {
    nb: 'Du kan lukke dette vinduet og gå tilbake til tjenesten.',
    nn: 'Du kan lukke dette vindauget og gå tilbake til tenesta.',
    en: 'You can close this window and return to the service.',
  },
  resultSuccessTitle: { nb: 'Du er logget inn', nn: 'Du er logga inn', en: 'You are logged in' },
  resultSuccessBody: { nb: 'Tjenesten fortsetter nå.', nn: 'Tenesta held fram no.', en: 'The service continues now.' },
  resultAbortTitle: { nb: 'Innloggingen ble avbrutt', nn: 'Innlogginga vart avbroten', en: 'The login was cancelled' },
  resultErrorTitle: { nb: 'Innloggingen mislyktes', nn: 'Innlogginga mislukkast', en: 'The login failed' },
  resultOtherBody: {
    nb: 'Du er ikke logget inn. Du kan prøve igjen fra tjenesten.',
    nn: 'Du er ikkje logga inn. Du kan prøve igjen frå tenesta.',
    en: 'You are not logged in. You can try again from the service.',
  },
  devTitle: { nb: 'Prøv eidgate', nn: 'Prøv eidgate', en: 'Try eidgate' },
  devIntro: {
    nb: 'Start en innlogging med utviklingskontoen og se sesjonen som tjenesten din får tilbake.',
    nn: 'Start ei innlogging med utviklingskontoen og sjå sesjonen som tenesta di får tilbake.',
    en: 'Start a login with the development account and see the session your service gets back.',
  },
  devOne: { nb: 'Logg inn med ID-porten', nn: 'Logg inn med ID-porten', en: 'Log in with ID-porten' },
  devChooser: { nb: 'Logg inn med valg av metode', nn: 'Logg inn med val av metode', en: 'Log in with a choice of method' },
  devResult: { nb: 'Resultat', nn: 'Resultat', en: 'Result' },
  devAgain: { nb: 'Prøv igjen', nn: 'Prøv igjen', en: 'Try again' },
} satisfies Record<string, Record<PageLang, string>>;

export type TextKey = keyof typeof T;
export const t = (lang: PageLang, key: TextKey): string => T[key][lang];
