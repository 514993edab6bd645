// Swedish BankID facts the adapter, the pages and the API share: collect's shape, the hint codes and the
// messages BankID recommends for them (its "RFA" texts), the animated QR code, and what a personnummer says.
import { createHmac } from 'node:crypto';

/** BankID's collect answer (RP API v6), as far as the broker reads it. */
export interface CollectResponse {
  orderRef?: string;
  status?: 'pending' | 'failed' | 'complete';
  hintCode?: string;
  completionData?: {
    user?: { personalNumber?: string; name?: string; givenName?: string; surname?: string };
    device?: { ipAddress?: string; uhi?: string };
    bankIdIssueDate?: string;
    stepUp?: unknown;
    signature?: string;
    ocspResponse?: string;
  };
}

/** Pending hint codes (collect), and `unknown` for any other BankID may add: the generic message then applies. */
export const SBID_PENDING_HINTS = ['outstandingTransaction', 'noClient', 'started', 'userSign', 'unknown'] as const;
export type SbidHint = (typeof SBID_PENDING_HINTS)[number];
export const isSbidHint = (v: unknown): v is SbidHint => (SBID_PENDING_HINTS as readonly unknown[]).includes(v);

/** Hints that say the person has the order open in the app: the session is WAITING_FOR_USER from then on. */
export const PERSON_ACTING: readonly SbidHint[] = ['started', 'userSign'];

/** BankID's recommended user messages (RFA texts) in the languages a BankID page speaks. */
export const SBID_LANGUAGES = ['sv', 'en', 'nb'] as const;
export type SbidLang = (typeof SBID_LANGUAGES)[number];

type Messages = Record<SbidLang, string>;

/** RFA1: start the app; RFA9: enter the code; RFA13: trying to start; RFA21: in progress. (A failed order ends the page: the service says what happened.) */
export const RFA: Record<string, Messages> = {
  RFA1: {
    sv: 'Starta BankID-appen.',
    en: 'Start your BankID app.',
    nb: 'Start BankID-appen.',
  },
  RFA9: {
    sv: 'Skriv in din säkerhetskod i BankID-appen och välj Identifiera.',
    en: 'Enter your security code in the BankID app and select Identify.',
    nb: 'Skriv inn sikkerhetskoden din i BankID-appen og velg Identifiser.',
  },
  RFA13: {
    sv: 'Försöker starta BankID-appen.',
    en: 'Trying to start your BankID app.',
    nb: 'Prøver å starte BankID-appen.',
  },
  RFA21: {
    sv: 'Identifiering eller underskrift pågår.',
    en: 'Identification or signing in progress.',
    nb: 'Identifisering eller signering pågår.',
  },
};

/**
 * The message for a pending hint (BankID's table for collect): outstandingTransaction and noClient before the
 * app has the order (RFA1 for a QR, RFA13 when the app is being launched on this device), started and
 * userSign while the person acts (RFA21, RFA9).
 */
export function pendingMessage(hint: SbidHint | undefined, lang: SbidLang, sameDevice = false): string {
  const key =
    hint === 'userSign' ? 'RFA9' : hint === 'started' ? 'RFA21' : hint === 'outstandingTransaction' && sameDevice ? 'RFA13' : 'RFA1';
  return (RFA[key] as Messages)[lang];
}

/**
 * The animated QR code's content at a moment: `bankid.<qrStartToken>.<seconds>.<hex HMAC-SHA256(qrStartSecret,
 * seconds)>`, seconds counted whole from the /auth answer. Computed by the broker only: qrStartSecret never
 * leaves it.
 */
export function qrPayload(qr: { startToken: string; startSecret: string; startedAt: string }, at: Date = new Date()): string {
  const seconds = Math.max(0, Math.floor((at.getTime() - Date.parse(qr.startedAt)) / 1000));
  const code = createHmac('sha256', qr.startSecret).update(String(seconds)).digest('hex');
  return `bankid.${qr.startToken}.${seconds}.${code}`;
}

/** The autostart link: the app (or, in development, the simulator's test app) opens the order on this device. */
export function autostartLink(launchUrl: string, autoStartToken: string, redirect: string | undefined): string {
  const u = new URL(launchUrl);
  u.searchParams.set('autostarttoken', autoStartToken);
  u.searchParams.set('redirect', redirect ?? 'null');
  return u.href;
}

/** YYYY-MM-DD from a 12-digit personnummer (a samordningsnummer has 60 added to the day). */
export function dateOfBirthOf(pnr: string): string | undefined {
  const m = /^([0-9]{4})([0-9]{2})([0-9]{2})[0-9]{4}$/.exec(pnr);
  if (!m) return undefined;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const day = Number(d) > 60 ? Number(d) - 60 : Number(d);
  return `${y}-${mo}-${String(day).padStart(2, '0')}`;
}
