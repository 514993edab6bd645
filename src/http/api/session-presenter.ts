// Signicat's session object, built from a session record at the HTTP edge: null properties omitted,
// subject limited to the requested attributes, an open session past its expiry shown as EXPIRED.
import type { SealedIdentity, Sessions } from '../../domain/sessions/sessions.ts';
import type { AttributeName, IdentityAttributes } from '../../model/attributes.ts';
import { DEFAULT_SESSION_LIFETIME, type SessionStatus } from '../../model/session.ts';
import { withParams } from '../../shared/url.ts';
import type { SessionRecord } from '../../store/index.ts';
import type { Urls } from '../paths.ts';
import type { SessionView } from './schemas.ts';

export type { SessionView };

/** ISO 8601 with an explicit offset, as Signicat writes it (…+00:00). */
export const isoWithOffset = (d: Date): string => d.toISOString().replace('Z', '+00:00');

/**
 * A presenter bound to the broker: the status as of now, the authenticationUrl, the opened identity (or the
 * one given: `finish` presents a session with encryptionPublicKey before its identity is sealed to the
 * client). GET answers (`read`) also carry sessionNonce and transactionId, as Signicat's SessionData does.
 */
export const sessionPresenter =
  (sessions: Sessions, urls: Urls, idpDataOf?: (s: SessionRecord) => Record<string, string> | undefined) =>
  (s: SessionRecord, opts: { read?: boolean; identity?: SealedIdentity } = {}): SessionView => {
    const view = presentSession(s, {
      status: sessions.statusOf(s),
      authenticationUrl: urls.authentication(s.id, s.request.requestDomain),
      identity: opts.identity ?? sessions.openIdentity(s),
    });
    if (s.request.flow === 'headless') {
      // Headless: what the service's own UI needs (the QR code's content is fresh on every read), and where to poll.
      view.statusUrl = urls.status(s.id);
      const idpData = idpDataOf?.(s);
      if (idpData) view.idpData = idpData;
    }
    if (opts.read) {
      view.sessionNonce = sessions.nonceOf(s);
      view.transactionId = sessions.transactionIdOf(s);
    }
    return view;
  };

/** The request fields Signicat echoes (prefilledInput and additionalParameters are not: hints may hold a nin). */
const OPTIONAL_REQUEST_FIELDS = [
  'allowedProviders',
  'language',
  'requestedLoa',
  'externalReference',
  'usageReference',
  'tags',
  'themeId',
  'requestDomain',
] as const;

export function presentSession(
  s: SessionRecord,
  ctx: { status: SessionStatus; authenticationUrl: string; identity: SealedIdentity },
): SessionView {
  const req = s.request;
  const { status, identity } = ctx;
  const cb = (u: string) => withParams(u, { sessionId: s.id });
  const view: SessionView = {
    id: s.id,
    accountId: s.accountId,
    authenticationUrl: ctx.authenticationUrl,
    status,
    flow: req.flow,
    requestedAttributes: req.requestedAttributes,
    sessionLifetime: req.sessionLifetime ?? DEFAULT_SESSION_LIFETIME,
    expiresAt: isoWithOffset(s.expiresAt),
  };
  if (req.callbackUrls) {
    view.callbackUrls = { success: cb(req.callbackUrls.success), abort: cb(req.callbackUrls.abort), error: cb(req.callbackUrls.error) };
  }
  if (s.provider && status !== 'CREATED' && status !== 'WAITING_FOR_USER') view.provider = s.provider;
  if (status === 'SUCCESS' && identity.subject) {
    view.subject = pickSubject(identity.subject, req.requestedAttributes);
    if (s.loa) view.loa = s.loa;
  }
  if (identity.environment) view.environment = identity.environment;
  if (status === 'ERROR' && s.error) {
    view.error = s.error;
    view.statusDetail = s.error.detail;
  }
  if (status === 'EXPIRED' && s.status !== 'EXPIRED') view.statusDetail = 'The session expired before the person finished.';
  for (const k of OPTIONAL_REQUEST_FIELDS) {
    const v = req[k];
    if (v !== undefined && v !== null) Object.assign(view, { [k]: v });
  }
  return view;
}

type Subject = IdentityAttributes & { id: string };

/** The subject with only the attributes the session asked for (and its id). */
function pickSubject(subject: Subject, requested: readonly AttributeName[]): Subject {
  const out: Subject = { id: subject.id };
  for (const name of requested) copyAttribute(out, subject, name);
  return out;
}

function copyAttribute<K extends AttributeName>(to: IdentityAttributes, from: IdentityAttributes, name: K): void {
  const v = from[name];
  if (v !== undefined && v !== null) to[name] = v;
}
