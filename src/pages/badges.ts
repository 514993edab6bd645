// Provider badges, drawn by us: a rounded rectangle in the provider's colour with its name as text. No
// third-party logo is copied (we hold no licence for them); an operator's official logos belong in a theme.
// Each badge is decoration next to the provider's name in text, so it is hidden from assistive technology.
import { escapeHtml } from './render.ts';

/** White text on each of these reaches at least 4.5:1 (WCAG AA for text; most exceed 7:1), so the badge reads at any size. */
export const COLOURS: Record<string, string> = { idporten: '#1e5aa8', ansattporten: '#0b5f50', nbid: '#3b1452' };
export const PALETTE = ['#4b2e83', '#7a2e2e', '#24533a', '#5a4515', '#2b4a6f'];

function colourOf(id: string): string {
  const known = COLOURS[id];
  if (known) return known;
  let h = 0;
  for (const c of id) h = (h * 31 + (c.codePointAt(0) ?? 0)) >>> 0;
  return PALETTE[h % PALETTE.length] ?? '#2b4a6f';
}

/** The badge of a provider: `mark` is its short name (shortened to fit). */
export function badgeSvg(id: string, mark: string): string {
  const text = [...mark].length > 14 ? `${[...mark].slice(0, 13).join('')}…` : mark;
  // Long names are squeezed to the badge's width rather than overflowing it.
  const fit = [...text].length > 9 ? ' textLength="96" lengthAdjust="spacingAndGlyphs"' : '';
  return `<svg class="badge" viewBox="0 0 110 44" aria-hidden="true" focusable="false"><rect width="110" height="44" rx="8" fill="${colourOf(id)}"/><text x="55" y="28" text-anchor="middle" fill="#fff" font-family="system-ui, sans-serif" font-size="15" font-weight="700"${fit}>${escapeHtml(text)}</text></svg>`;
}
