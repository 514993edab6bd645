// An account's branding on the hosted pages: the service's name per language, its logo, and the help,
// contact and privacy pages the footer links to. Validated here, at save time, so a page never has to
// doubt what it renders: a logo is an https URL or a small data: image (the page's CSP then allows that
// origin, or data:, for images and nothing else), a link is https (contact may also be mailto:).
import { errors } from '../errors/index.ts';
import type { Branding } from '../store/index.ts';

export const BRANDING_LANGUAGES = ['nb', 'nn', 'en'] as const;
type BrandingLang = (typeof BRANDING_LANGUAGES)[number];

/** Largest data: logo accepted (characters of the URL): a logo, not a photo, and it fits the admin API body limit. */
export const MAX_DATA_LOGO = 48 * 1024;
const DATA_IMAGE_RE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;

export interface BrandingChange {
  /** `nb=Name`, `nn=Namn`, `en=Name`; an empty name removes that language's. */
  displayName?: string[] | undefined;
  logoUrl?: string | undefined;
  helpUrl?: string | undefined;
  contactUrl?: string | undefined;
  privacyUrl?: string | undefined;
}

function httpsUrl(value: string, what: string, allowMailto = false): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw errors.badRequest(`${what} "${value}" is not a URL`);
  }
  const ok = u.protocol === 'https:' || (allowMailto && u.protocol === 'mailto:');
  if (!ok) throw errors.badRequest(`${what} must be an https URL${allowMailto ? ' or mailto:' : ''}`);
  if (u.username || u.password) throw errors.badRequest(`${what} must not hold a user name or password`);
  if (value.length > 2000) throw errors.badRequest(`${what} is longer than 2000 characters`);
  return u.href;
}

export function validLogoUrl(value: string): string {
  if (value.startsWith('data:')) {
    if (value.length > MAX_DATA_LOGO) throw errors.badRequest(`a data: logo may be at most ${MAX_DATA_LOGO} characters`);
    if (!DATA_IMAGE_RE.test(value)) throw errors.badRequest('a data: logo must be a base64 png, jpeg, gif, webp or svg+xml image');
    return value;
  }
  return httpsUrl(value, 'the logo URL');
}

/**
 * The branding after a change: given fields replace the stored ones, an empty string removes one. Names
 * are plain text (escaped on the page), one line, at most 100 characters.
 */
export function applyBranding(current: Branding, change: BrandingChange): Branding {
  const next: Branding = { ...current, displayName: { ...current.displayName } };
  for (const entry of change.displayName ?? []) {
    const eq = entry.indexOf('=');
    const lang = entry.slice(0, eq).trim() as BrandingLang;
    const name = entry.slice(eq + 1).trim();
    if (eq < 0 || !(BRANDING_LANGUAGES as readonly string[]).includes(lang))
      throw errors.badRequest(`display name "${entry}" must be LANG=NAME with LANG one of ${BRANDING_LANGUAGES.join(', ')}`);
    if (name.length > 100 || /[\p{Cc}]/u.test(name)) throw errors.badRequest('a display name is one line of at most 100 characters');
    if (name) (next.displayName ?? {})[lang] = name;
    else delete next.displayName?.[lang];
  }
  const urls = [
    ['logoUrl', (v: string) => validLogoUrl(v)],
    ['helpUrl', (v: string) => httpsUrl(v, 'the help URL')],
    ['contactUrl', (v: string) => httpsUrl(v, 'the contact URL', true)],
    ['privacyUrl', (v: string) => httpsUrl(v, 'the privacy URL')],
  ] as const;
  for (const [field, check] of urls) {
    const v = change[field];
    if (v === undefined) continue;
    if (v === '') delete next[field];
    else next[field] = check(v.trim());
  }
  if (next.displayName && Object.keys(next.displayName).length === 0) delete next.displayName;
  return next;
}

/** The service's name in a language: that language's, else Bokmål, English, Nynorsk, else the account name. */
export function serviceName(branding: Branding, accountName: string, lang: BrandingLang): string {
  const d = branding.displayName ?? {};
  return d[lang] ?? d.nb ?? d.en ?? d.nn ?? accountName;
}

/** The CSP img-src source a logo needs: its origin, or data:. */
export function logoSource(logoUrl: string | undefined): string | undefined {
  if (!logoUrl) return undefined;
  return logoUrl.startsWith('data:') ? 'data:' : new URL(logoUrl).origin;
}
