// An account's named themes for the hosted pages: colours, a font from a safe list and a corner style,
// optionally a logo. Colours are checked for WCAG AA contrast (4.5:1 for text) against what they meet on
// the page when the theme is saved, so a theme can never make a page unreadable. A page applies its theme
// through CSS custom properties in a same-origin stylesheet (/assets/themes/…css): nothing inline, so the
// page's CSP stays style-src 'self'.
import { errors } from '../errors/index.ts';
import { validLogoUrl } from './branding.ts';

/** Fonts every device has or falls back from cleanly: no web fonts (no third-party requests). */
export const FONTS = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  humanist: '"Segoe UI", "Noto Sans", "Open Sans", Arial, sans-serif',
  serif: 'Georgia, "Noto Serif", "Times New Roman", serif',
  mono: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
} as const;
export type FontName = keyof typeof FONTS;

export const CORNERS = { rounded: '6px', square: '0', pill: '999px' } as const;
export type CornerStyle = keyof typeof CORNERS;

export interface Theme {
  /** Buttons and links: white text on it, and it as text on white and on the background. */
  primary: string;
  /** The page behind the card: dark text and primary-coloured links on it. */
  background: string;
  /** The top bar: white text on it. */
  header: string;
  font: FontName;
  corners: CornerStyle;
  logoUrl?: string;
}

export const DEFAULT_THEME: Theme = { primary: '#1e5aa8', background: '#f4f5f7', header: '#1e2b3c', font: 'system', corners: 'rounded' };

const HEX_RE = /^#[0-9a-f]{6}$/;
const ID_RE = /^[a-z0-9][a-z0-9-]{0,39}$/;
const WHITE = '#ffffff';
/** The darkest and lightest body texts the stylesheet puts on the page background. */
const BODY_TEXTS = ['#1a1a1a', '#4a4a4a'];

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two #rrggbb colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export const validThemeId = (id: string): string => {
  if (!ID_RE.test(id)) throw errors.badRequest(`theme id "${id}" must be 1–40 lower-case letters, digits or -`);
  return id;
};

export interface ThemeChange {
  primary?: string | undefined;
  background?: string | undefined;
  header?: string | undefined;
  font?: string | undefined;
  corners?: string | undefined;
  logoUrl?: string | undefined;
}

/** A theme after a change (fields not given keep their value, or the default's), checked as a whole. */
export function applyTheme(current: Theme | undefined, change: ThemeChange): Theme {
  const next: Theme = { ...(current ?? DEFAULT_THEME) };
  for (const field of ['primary', 'background', 'header'] as const) {
    const v = change[field]?.trim().toLowerCase();
    if (v === undefined) continue;
    if (!HEX_RE.test(v)) throw errors.badRequest(`--${field} must be a colour as #rrggbb`);
    next[field] = v;
  }
  if (change.font !== undefined) {
    if (!(change.font in FONTS)) throw errors.badRequest(`--font must be one of ${Object.keys(FONTS).join(', ')}`);
    next.font = change.font as FontName;
  }
  if (change.corners !== undefined) {
    if (!(change.corners in CORNERS)) throw errors.badRequest(`--corners must be one of ${Object.keys(CORNERS).join(', ')}`);
    next.corners = change.corners as CornerStyle;
  }
  if (change.logoUrl === '') delete next.logoUrl;
  else if (change.logoUrl !== undefined) next.logoUrl = validLogoUrl(change.logoUrl.trim());
  const pairs: [string, string, string][] = [
    ['white text on --primary (buttons)', WHITE, next.primary],
    ['--primary text on the white card (links, secondary buttons)', next.primary, WHITE],
    ['--primary links on --background (footer)', next.primary, next.background],
    ['white text on --header', WHITE, next.header],
    ...BODY_TEXTS.map((c): [string, string, string] => [`text ${c} on --background`, c, next.background]),
  ];
  const failing = pairs.filter(([, a, b]) => contrast(a, b) < 4.5);
  if (failing.length)
    throw errors.badRequest(
      `the theme's colours are not readable (WCAG AA needs 4.5:1): ${failing.map(([what, a, b]) => `${what} is ${contrast(a, b).toFixed(2)}:1`).join('; ')}`,
    );
  return next;
}

/** The theme's stylesheet: custom properties the base stylesheet reads, nothing else. */
export function themeCss(theme: Theme): string {
  return `:root {
  --eg-primary: ${theme.primary};
  --eg-background: ${theme.background};
  --eg-header: ${theme.header};
  --eg-font: ${FONTS[theme.font]};
  --eg-radius: ${CORNERS[theme.corners]};
}
`;
}
