// What frames an account's page: the service's name, logo and footer links, and its theme's stylesheet,
// resolved for the page's language; and the image sources the page's CSP must allow for that logo.
import { sha256 } from '../../crypto.ts';
import type { Accounts } from '../../domain/accounts.ts';
import { logoSource, serviceName } from '../../domain/branding.ts';
import { themeCss } from '../../domain/themes.ts';
import { contentLang, type UiLang } from '../../pages/i18n.ts';
import type { PageFrame } from '../../pages/render.ts';
import type { Branding } from '../../store/index.ts';

/** Each theme's stylesheet: /assets/themes/<account>/<theme>.css (custom properties only). */
export const THEME_PATH_PREFIX = '/assets/themes/';

/**
 * The frame of one of the account's pages. The theme is the one asked for (a session's themeId, checked at
 * create; it may have been removed since), else the account's default, else none (ours).
 */
export async function accountFrame(
  accounts: Accounts,
  accountId: string,
  themeId: string | undefined,
  lang: UiLang,
  langHref: (lang: UiLang) => string,
  clientBranding?: Branding,
): Promise<PageFrame & { imgSources: string[] }> {
  const account = await accounts.findAccountCached(accountId);
  // An OIDC client's name, logo and links go over the account's; themes stay the account's.
  const b = { ...account?.branding, ...clientBranding, themes: account?.branding.themes, defaultTheme: account?.branding.defaultTheme };
  const applied = [themeId, b.defaultTheme].find((id) => id !== undefined && b.themes?.[id] !== undefined);
  const theme = applied ? b.themes?.[applied] : undefined;
  const logoUrl = theme?.logoUrl ?? b.logoUrl;
  const logo = logoSource(logoUrl);
  return {
    lang,
    // The version in the address changes with the theme, so a cached stylesheet never outlives an edit.
    themeHref: theme && applied ? `${THEME_PATH_PREFIX}${accountId}/${applied}.css?v=${sha256(themeCss(theme)).slice(0, 12)}` : undefined,
    service: account
      ? {
          name: serviceName(b, account.name, contentLang(lang)),
          logoUrl,
          helpUrl: b.helpUrl,
          contactUrl: b.contactUrl,
          privacyUrl: b.privacyUrl,
        }
      : undefined,
    langHref,
    imgSources: logo ? [logo] : [],
  };
}
