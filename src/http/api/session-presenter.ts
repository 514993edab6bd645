// Signicat's session object, built from a session record at the HTTP edge: null properties omitted,
// subject limited to the requested attributes, an open session past its expiry shown as EXPIRED.
import type { SealedIdentity } from '../../domain/sessions/sessions.ts';
import type { IdentityAttributes } from '../../model/attributes.ts';
import {
  type CallbackUrls,
  DEFAULT_SESSION_LIFETIME,
  type Environment,
  type SessionError,
  type SessionStatus,
} from '../../model/session.ts';
import { withParams } from '../../shared/url.ts';
import type { SessionRecord } from '../../store/index.ts';

export interface SessionView {
  id: string;
  accountId: string;
  authenticationUrl: string;
  status: SessionStatus;
  statusDetail?: string;
  provider?: string;
  subject?: Record<string, unknown>;
  loa?: string;
  environment?: Environment;
  error?: SessionError;
  callbackUrls: CallbackUrls;
  flow: string;
  requestedAttributes: string[];
  allowedProviders?: string[];
  language?: string;
  requestedLoa?: string;
  externalReference?: string;
  usageReference?: string;
  tags?: string[];
  sessionLifetime: number;
  expiresAt: string;
}

/** ISO 8601 with an explicit offset, as Signicat writes it (…+00:00). */
export const isoWithOffset = (d: Date): string => d.toISOString().replace('Z', '+00:00');

const OPTIONAL_REQUEST_FIELDS = ['allowedProviders', 'language', 'requestedLoa', 'externalReference', 'usageReference', 'tags'] as const;

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
    callbackUrls: { success: cb(req.callbackUrls.success), abort: cb(req.callbackUrls.abort), error: cb(req.callbackUrls.error) },
    flow: req.flow,
    requestedAttributes: req.requestedAttributes,
    sessionLifetime: req.sessionLifetime ?? DEFAULT_SESSION_LIFETIME,
    expiresAt: isoWithOffset(s.expiresAt),
  };
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

function pickSubject(subject: IdentityAttributes & { id: string }, requested: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: subject.id };
  const all: Record<string, unknown> = { ...subject };
  for (const name of requested) {
    const v = all[name];
    if (v !== undefined && v !== null) out[name] = v;
  }
  return out;
}
