// Page texts in the languages the hosted pages speak: Bokmål, Nynorsk, English and Northern Sámi. Sámi
// texts are written where we could write them with confidence; every other key says `se: null`, which
// means "falls back to Bokmål", and the page marks that text lang="nb" so a screen reader reads it right.
// A session language outside these falls back to English, as Signicat's does; `no` is Norwegian Bokmål.
import type { PageLang } from '../model/languages.ts';

export type { PageLang };

/** The languages a page can be shown in: the content languages (PageLang) and Northern Sámi. */
export const UI_LANGUAGES = ['nb', 'nn', 'en', 'se'] as const;
export type UiLang = (typeof UI_LANGUAGES)[number];

/** Each language's name in itself, for the switcher. */
export const LANGUAGE_NAMES: Record<UiLang, string> = { nb: 'Bokmål', nn: 'Nynorsk', en: 'English', se: 'Davvisámegiella' };

/** The content language for a page language: provider names and service names exist in nb, nn and en only. */
export const contentLang = (lang: UiLang): PageLang => (lang === 'se' ? 'nb' : lang);

/**
 * The page language for a session's language tag (any BCP 47 tag: only its primary subtag counts). nb and
 * no are Bokmål, nn is Nynorsk, se Northern Sámi, everything else English.
 */
export function pageLang(language: string | undefined): UiLang {
  const l = (language ?? '').toLowerCase().split(/[-_]/)[0];
  if (l === 'nb' || l === 'no') return 'nb';
  if (l === 'nn' || l === 'se') return l;
  return 'en';
}

/** A ?lang= choice from the language switcher, when it names one of ours. */
export const chosenLang = (value: unknown): UiLang | undefined =>
  typeof value === 'string' && (UI_LANGUAGES as readonly string[]).includes(value) ? (value as UiLang) : undefined;

/** Language from the Accept-Language header, for pages without a session. */
export function langFromHeader(header: string | undefined): UiLang {
  for (const part of (header ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase().slice(0, 2);
    if (tag === 'nb' || tag === 'no' || tag === 'nn' || tag === 'en' || tag === 'se') return pageLang(tag);
  }
  return 'en';
}

const T = {
  // Around every page: the service, the switcher, the footer.
  serviceLogin: { nb: 'Logg inn på {service}', nn: 'Logg inn på {service}', en: 'Log in to {service}', se: null },
  languages: { nb: 'Språk', nn: 'Språk', en: 'Language', se: 'Giella' },
  help: { nb: 'Hjelp', nn: 'Hjelp', en: 'Help', se: 'Veahkki' },
  contact: { nb: 'Kontakt', nn: 'Kontakt', en: 'Contact', se: 'Oktavuohta' },
  privacy: { nb: 'Personvern', nn: 'Personvern', en: 'Privacy', se: null },
  footerLabel: { nb: 'Om tjenesten', nn: 'Om tenesta', en: 'About the service', se: null },
  seFallback: {
    nb: 'Denne siden er ikke oversatt til samisk ennå. Teksten vises på bokmål.',
    nn: 'Denne sida er ikkje omsett til samisk enno. Teksten blir vist på bokmål.',
    en: 'This page is not translated to Sámi yet. The text is shown in Norwegian Bokmål.',
    se: null,
  },
  poweredBy: { nb: 'Innlogging levert av eidgate', nn: 'Innlogging levert av eidgate', en: 'Login provided by eidgate', se: null },
  genericTagline: {
    nb: 'Logg inn med kontoen din hos {provider}.',
    nn: 'Logg inn med kontoen din hos {provider}.',
    en: 'Log in with your account at {provider}.',
    se: null,
  },
  errorTitle: { nb: 'Noe gikk galt', nn: 'Noko gjekk gale', en: 'Something went wrong', se: null },
  notFound: { nb: 'Siden finnes ikke.', nn: 'Sida finst ikkje.', en: 'This page does not exist.', se: null },
  generic: {
    nb: 'Vi kunne ikke fullføre forespørselen. Gå tilbake til tjenesten og prøv igjen.',
    nn: 'Vi kunne ikkje fullføre førespurnaden. Gå tilbake til tenesta og prøv igjen.',
    en: 'We could not complete the request. Go back to the service and try again.',
    se: null,
  },
  reference: { nb: 'Referanse', nn: 'Referanse', en: 'Reference', se: null },
  chooseTitle: { nb: 'Velg innloggingsmetode', nn: 'Vel innloggingsmetode', en: 'Choose how to log in', se: null },
  chooseIntro: { nb: 'Logg inn for å fortsette.', nn: 'Logg inn for å halde fram.', en: 'Log in to continue.', se: null },
  cancel: { nb: 'Avbryt', nn: 'Avbryt', en: 'Cancel', se: null },
  expiredTitle: { nb: 'Innloggingen er utløpt', nn: 'Innlogginga har gått ut', en: 'The login has expired', se: null },
  expiredBody: {
    nb: 'Det tok for lang tid. Gå tilbake til tjenesten og start på nytt.',
    nn: 'Det tok for lang tid. Gå tilbake til tenesta og start på nytt.',
    en: 'It took too long. Go back to the service and start again.',
    se: null,
  },
  finishedTitle: { nb: 'Innloggingen er avsluttet', nn: 'Innlogginga er avslutta', en: 'This login has ended', se: null },
  finishedBody: {
    nb: 'Denne innloggingen er allerede fullført eller avbrutt. Gå tilbake til tjenesten.',
    nn: 'Denne innlogginga er allereie fullført eller avbroten. Gå tilbake til tenesta.',
    en: 'This login has already been completed or cancelled. Go back to the service.',
    se: null,
  },
  backToService: { nb: 'Tilbake til tjenesten', nn: 'Tilbake til tenesta', en: 'Back to the service', se: null },
  otherBrowser: {
    nb: 'Innloggingen ble startet i en annen nettleser. Start på nytt fra tjenesten.',
    nn: 'Innlogginga vart starta i ein annan nettlesar. Start på nytt frå tenesta.',
    en: 'This login was started in another browser. Start again from the service.',
    se: null,
  },
  skip: { nb: 'Hopp til hovedinnhold', nn: 'Hopp til hovudinnhald', en: 'Skip to main content', se: null },
  unavailableTitle: {
    nb: 'Innlogging er ikke tilgjengelig',
    nn: 'Innlogging er ikkje tilgjengeleg',
    en: 'Login is not available',
    se: null,
  },
  unavailableBody: {
    nb: 'Tjenesten har ingen innloggingsmetode som kan brukes nå. Prøv igjen senere.',
    nn: 'Tenesta har ingen innloggingsmetode som kan brukast no. Prøv igjen seinare.',
    en: 'The service has no login method that can be used right now. Try again later.',
    se: null,
  },
  otherBrowserTitle: { nb: 'Feil nettleser', nn: 'Feil nettlesar', en: 'Wrong browser', se: null },
  notFoundTitle: { nb: 'Fant ikke innloggingen', nn: 'Fann ikkje innlogginga', en: 'Login not found', se: null },
  notFoundBody: {
    nb: 'Lenken er ugyldig eller for gammel. Gå tilbake til tjenesten og start på nytt.',
    nn: 'Lenkja er ugyldig eller for gammal. Gå tilbake til tenesta og start på nytt.',
    en: 'The link is not valid or too old. Go back to the service and start again.',
    se: null,
  },
  frameTitle: { nb: 'Logg inn', nn: 'Logg inn', en: 'Log in', se: null },
  frameIntro: {
    nb: 'Innloggingen åpnes i et nytt vindu. Når du er ferdig der, fortsetter du her.',
    nn: 'Innlogginga opnar seg i eit nytt vindauge. Når du er ferdig der, held du fram her.',
    en: 'The login opens in a new window. When you are done there, you continue here.',
    se: null,
  },
  newWindow: { nb: '(åpnes i nytt vindu)', nn: '(opnar seg i nytt vindauge)', en: '(opens in a new window)', se: null },
  frameWaiting: {
    nb: 'Venter på at du logger inn i det andre vinduet …',
    nn: 'Ventar på at du loggar inn i det andre vindauget …',
    en: 'Waiting for you to log in in the other window …',
    se: null,
  },
  stateMismatchTitle: {
    nb: 'Innloggingen ble ikke fullført',
    nn: 'Innlogginga vart ikkje fullført',
    en: 'The login was not completed',
    se: null,
  },
  stateMismatchBody: {
    nb: 'Svaret fra innloggingstjenesten passet ikke med innloggingen din. Prøv igjen, eller avbryt.',
    nn: 'Svaret frå innloggingstenesta passa ikkje med innlogginga di. Prøv igjen, eller avbryt.',
    en: 'The answer from the identity provider did not match your login. Try again, or cancel.',
    se: null,
  },
  tryAgain: { nb: 'Prøv igjen', nn: 'Prøv igjen', en: 'Try again', se: null },
  notFinishedTitle: { nb: 'Noe gikk galt hos oss', nn: 'Noko gjekk gale hos oss', en: 'Something went wrong on our side', se: null },
  notFinishedBody: {
    nb: 'Vi kunne ikke fullføre innloggingen din. Gå tilbake til tjenesten og prøv igjen om litt.',
    nn: 'Vi kunne ikkje fullføre innlogginga di. Gå tilbake til tenesta og prøv igjen om litt.',
    en: 'We could not complete your login. Go back to the service and try again in a moment.',
    se: null,
  },
  notFramableTitle: { nb: 'Kan ikke vises her', nn: 'Kan ikkje visast her', en: 'Cannot be shown here', se: null },
  notFramableBody: {
    nb: 'Denne innloggingen kan ikke vises inne i en annen side. Åpne lenken i et eget vindu.',
    nn: 'Denne innlogginga kan ikkje visast inne i ei anna side. Opne lenkja i eit eige vindauge.',
    en: 'This login cannot be shown inside another page. Open the link in a window of its own.',
    se: null,
  },
  windowDoneTitle: { nb: 'Ferdig', nn: 'Ferdig', en: 'Done', se: null },
  windowDoneBody: {
    nb: 'Du kan lukke dette vinduet og gå tilbake til tjenesten.',
    nn: 'Du kan lukke dette vindauget og gå tilbake til tenesta.',
    en: 'You can close this window and return to the service.',
    se: null,
  },
  resultSuccessTitle: { nb: 'Du er logget inn', nn: 'Du er logga inn', en: 'You are logged in', se: null },
  resultSuccessBody: { nb: 'Tjenesten fortsetter nå.', nn: 'Tenesta held fram no.', en: 'The service continues now.', se: null },
  resultAbortTitle: { nb: 'Innloggingen ble avbrutt', nn: 'Innlogginga vart avbroten', en: 'The login was cancelled', se: null },
  resultErrorTitle: { nb: 'Innloggingen mislyktes', nn: 'Innlogginga mislukkast', en: 'The login failed', se: null },
  resultOtherBody: {
    nb: 'Du er ikke logget inn. Du kan prøve igjen fra tjenesten.',
    nn: 'Du er ikkje logga inn. Du kan prøve igjen frå tenesta.',
    en: 'You are not logged in. You can try again from the service.',
    se: null,
  },
  devTitle: { nb: 'Prøv eidgate', nn: 'Prøv eidgate', en: 'Try eidgate', se: null },
  devIntro: {
    nb: 'Start en innlogging med utviklingskontoen og se sesjonen som tjenesten din får tilbake.',
    nn: 'Start ei innlogging med utviklingskontoen og sjå sesjonen som tenesta di får tilbake.',
    en: 'Start a login with the development account and see the session your service gets back.',
    se: null,
  },
  devOne: { nb: 'Logg inn med ID-porten', nn: 'Logg inn med ID-porten', en: 'Log in with ID-porten', se: null },
  devChooser: { nb: 'Logg inn med valg av metode', nn: 'Logg inn med val av metode', en: 'Log in with a choice of method', se: null },
  previewTitle: { nb: 'Forhåndsvisning av tema', nn: 'Førehandsvising av tema', en: 'Theme preview', se: null },
  previewBody: {
    nb: 'Slik ser innloggingssidene ut med dette temaet. Knappene her gjør ingenting.',
    nn: 'Slik ser innloggingssidene ut med dette temaet. Knappane her gjer ingenting.',
    en: 'This is how the login pages look with this theme. The buttons here do nothing.',
    se: null,
  },
  devResult: { nb: 'Resultat', nn: 'Resultat', en: 'Result', se: null },
  devAgain: { nb: 'Prøv igjen', nn: 'Prøv igjen', en: 'Try again', se: null },
  // Swedish BankID's page: the animated QR code, the app on this device, the person's progress.
  bankidTitle: { nb: 'Logg inn med BankID', nn: 'Logg inn med BankID', en: 'Log in with BankID', se: null },
  bankidQrLabel: {
    nb: 'QR-kode for BankID. Den endres hvert sekund.',
    nn: 'QR-kode for BankID. Han blir endra kvart sekund.',
    en: 'QR code for BankID. It changes every second.',
    se: null,
  },
  bankidScanHelp: {
    nb: 'Åpne BankID-appen på mobilen, velg «Skann QR-kode» og hold kameraet mot koden.',
    nn: 'Opne BankID-appen på mobilen, vel «Skann QR-kode» og hald kameraet mot koden.',
    en: 'Open the BankID app on your phone, choose "Scan QR code" and point the camera at the code.',
    se: null,
  },
  bankidOpenHere: { nb: 'Åpne BankID på denne enheten', nn: 'Opne BankID på denne eininga', en: 'Open BankID on this device', se: null },
  bankidContinue: {
    nb: 'Jeg er ferdig i BankID-appen – fortsett',
    nn: 'Eg er ferdig i BankID-appen – hald fram',
    en: 'I am done in the BankID app – continue',
    se: null,
  },
  devResultIntro: {
    nb: 'Innloggingen er ferdig. Dette er sesjonen tjenesten din leser med GET /auth/rest/sessions/{id}.',
    nn: 'Innlogginga er ferdig. Dette er sesjonen tenesta di les med GET /auth/rest/sessions/{id}.',
    en: 'The login has ended. This is the session your service reads with GET /auth/rest/sessions/{id}.',
    se: null,
  },
  devCallbackIntro: {
    nb: 'Dette er tilbakekallsadressen for utvikling. Nettleseren kom hit med sessionId; en ekte tjeneste leser da sesjonen fra sin backend, slik denne siden gjorde.',
    nn: 'Dette er tilbakekallsadressa for utvikling. Nettlesaren kom hit med sessionId; ei ekte teneste les då sesjonen frå backenden sin, slik denne sida gjorde.',
    en: 'This is the development callback address. The browser arrived here with a sessionId; a real service then reads the session from its backend, as this page did.',
    se: null,
  },
  devSessionId: { nb: 'Sesjons-ID', nn: 'Sesjons-ID', en: 'Session id', se: null },
  devStatus: { nb: 'Status', nn: 'Status', en: 'Status', se: null },
  devProvider: { nb: 'eID', nn: 'eID', en: 'eID', se: null },
  devName: { nb: 'Navn', nn: 'Namn', en: 'Name', se: null },
  devLoa: { nb: 'Sikkerhetsnivå', nn: 'Tryggleiksnivå', en: 'Level of assurance', se: null },
  devJson: { nb: 'Hele sesjonen (JSON)', nn: 'Heile sesjonen (JSON)', en: 'The whole session (JSON)', se: null },
  devDocs: { nb: 'API-dokumentasjon', nn: 'API-dokumentasjon', en: 'API documentation', se: null },
} satisfies Record<string, Record<PageLang, string> & { se: string | null }>;

export type TextKey = keyof typeof T;
export const TEXTS: Readonly<Record<TextKey, Readonly<Record<PageLang, string> & { se: string | null }>>> = T;

/** The language a key is actually shown in: Sámi falls back to Bokmål where it has no text. */
export const shownIn = (lang: UiLang, key: TextKey): UiLang => (lang === 'se' && T[key].se === null ? 'nb' : lang);

/** Whether a key has its own text in this language (false: a Sámi key falling back to Bokmål). */
export const hasOwnText = (lang: UiLang, key: TextKey): boolean => lang !== 'se' || T[key].se !== null;

/** A page text, as plain text (escape it where it goes into HTML). `{name}` placeholders are filled from vars. */
export function t(lang: UiLang, key: TextKey, vars: Record<string, string> = {}): string {
  const entry = T[key];
  const text = lang === 'se' ? (entry.se ?? entry.nb) : entry[lang];
  return text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}
