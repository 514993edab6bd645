// RP-initiated logout as ID-porten does it (docs.digdir.no oidc_protocol_logout): GET or POST, no
// confirmation question, the SSO session ended and every grant in it revoked, back-channel logout tokens
// sent (one attempt), front-channel iframes (`uri?iss&sid`) for every client in the session including the
// initiator, then the redirect to a registered post_logout_redirect_uri with `state`. Without the
// ID-porten session cookie the logout is refused with an error page, as ID-porten refuses it.
// oidc-provider's own end_session asks "Do you want to sign-out?" and keeps the session on "No", so this
// replaces it; it uses oidc-provider's models (Session, Client, IdToken, the token adapters) throughout.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { simLang } from './pages.ts';
import { frontChannelPage, loggedOutPage, logoutErrorPage, LOGOUT_MESSAGES } from './logout-pages.ts';
import type { SimProfile } from './profiles.ts';
import { PAGE_CSP, readBody } from './http.ts';

type Ctx = KoaContextWithOIDC;

function html(ctx: Ctx, status: number, body: string, frameOrigins: string[] = []): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.set('content-security-policy', frameOrigins.length ? `${PAGE_CSP}; frame-src ${frameOrigins.join(' ')}` : PAGE_CSP);
  ctx.body = body;
}

export function logoutHandler(provider: Provider, profile: SimProfile) {
  return async (ctx: Ctx): Promise<void> => {
    const params =
      ctx.method === 'POST' ? new URLSearchParams((await readBody(ctx.req)).toString('utf8')) : new URLSearchParams(ctx.querystring);
    const lang = simLang(params.get('ui_locales') ?? undefined);
    const fail = (message: string) => html(ctx, 400, logoutErrorPage(profile.brand, lang, message));
    for (const name of ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id', 'ui_locales']) {
      if (params.getAll(name).length > 1) return fail(`${LOGOUT_MESSAGES.badRequest[lang]}: ${name} is repeated.`);
    }
    const hint = params.get('id_token_hint') ?? undefined;
    let clientId = params.get('client_id') ?? undefined;
    let client: InstanceType<Provider['Client']> | undefined;
    if (hint) {
      let aud: unknown;
      try {
        aud = JSON.parse(Buffer.from(hint.split('.')[1] ?? '', 'base64url').toString()).aud;
      } catch {
        return fail(`${LOGOUT_MESSAGES.badRequest[lang]}: id_token_hint is not a JWT.`);
      }
      if (typeof aud !== 'string') return fail(`${LOGOUT_MESSAGES.badRequest[lang]}: id_token_hint has no audience.`);
      if (clientId && clientId !== aud) return fail(`${LOGOUT_MESSAGES.badRequest[lang]}: client_id does not match id_token_hint.`);
      clientId = aud;
    }
    if (clientId) {
      client = await provider.Client.find(clientId).catch(() => undefined);
      if (!client) return fail(`${LOGOUT_MESSAGES.badRequest[lang]}: unknown client.`);
    }
    if (hint && client) {
      try {
        await provider.IdToken.validate(hint, client);
      } catch {
        return fail(`${LOGOUT_MESSAGES.badRequest[lang]}: id_token_hint is not valid.`);
      }
    }
    const postLogout = params.get('post_logout_redirect_uri') ?? undefined;
    if (postLogout && (!client || !client.postLogoutRedirectUriAllowed(postLogout))) {
      return fail(`${LOGOUT_MESSAGES.badRequest[lang]}: post_logout_redirect_uri is not registered for the client.`);
    }

    const session = await provider.Session.get(ctx);
    if (!session.accountId) return fail(LOGOUT_MESSAGES.noSession[lang]);

    // End the SSO session: back-channel logout, then revoke every client's grant, then destroy the session.
    const authorizations = Object.entries(session.authorizations ?? {});
    const frames: string[] = [];
    const frameOrigins = new Set<string>();
    await Promise.all(
      authorizations.map(async ([id, { grantId, sid }]) => {
        const c = await provider.Client.find(id).catch(() => undefined);
        if (!c) return;
        const meta = c.metadata() as Record<string, unknown>;
        if (c.backchannelLogoutUri) {
          await (c as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> })
            .backchannelLogout(session.accountId!, sid ?? '')
            .catch((e: Error) => provider.emit('backchannel.error', ctx, e, c));
        }
        const fc = meta.frontchannel_logout_uri;
        if (typeof fc === 'string') {
          const u = new URL(fc);
          if (meta.frontchannel_logout_session_required) {
            u.searchParams.set('iss', provider.issuer);
            u.searchParams.set('sid', sid ?? '');
          }
          frames.push(u.href);
          frameOrigins.add(u.origin);
        }
        if (grantId) {
          await Promise.all([
            provider.AccessToken.adapter.revokeByGrantId(grantId),
            provider.RefreshToken.adapter.revokeByGrantId(grantId),
            provider.AuthorizationCode.adapter.revokeByGrantId(grantId),
            provider.Grant.adapter.destroy(grantId),
          ]);
        }
      }),
    );
    await session.destroy();
    ctx.cookies.set(provider.cookieName('session'), null, { path: '/', httpOnly: true, sameSite: 'lax', signed: true, overwrite: true });

    let next: string | undefined;
    if (postLogout) {
      const u = new URL(postLogout);
      const state = params.get('state');
      if (state !== null) u.searchParams.set('state', state);
      next = u.href;
    }
    if (frames.length > 0) return html(ctx, 200, frontChannelPage(profile.brand, lang, frames, next), [...frameOrigins]);
    if (next) {
      ctx.status = 302;
      ctx.set('cache-control', 'no-store');
      ctx.redirect(next);
      return;
    }
    return html(ctx, 200, loggedOutPage(profile.brand, lang));
  };
}
