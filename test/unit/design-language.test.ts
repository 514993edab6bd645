// One design language for the broker's pages and the simulator's: the simulator keeps its own copy of the
// shared stylesheet (it ships without the broker), and this keeps the copy true. The simulator must still
// never pass for the real thing: its pages say "simulator" in the header, a banner and the title.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SHARED_STYLES, STYLESHEET } from '../../src/pages/render.ts';
import { BANKID } from '../../src/simulator/bankid.ts';
import { loginPage, SIM_SHARED_STYLES, SIM_STYLESHEET, simErrorPage } from '../../src/simulator/pages.ts';
import { ID_PORTEN } from '../../src/simulator/profiles.ts';

describe('one design language for broker and simulator', () => {
  it("the simulator's copy of the shared styles is the broker's, and both stylesheets start with it", () => {
    assert.equal(SIM_SHARED_STYLES, SHARED_STYLES);
    assert.ok(STYLESHEET.startsWith(SHARED_STYLES));
    assert.ok(SIM_STYLESHEET.startsWith(SIM_SHARED_STYLES));
    for (const rule of ['header {', 'main {', 'button, .button {', '.tile {']) assert.ok(SHARED_STYLES.includes(rule), rule);
  });

  for (const profile of [ID_PORTEN, BANKID]) {
    it(`the ${profile.brand.name} simulator's pages are labelled as a simulator in every language`, () => {
      for (const lang of ['nb', 'nn', 'en'] as const) {
        const html = loginPage({
          brand: profile.brand,
          action: '/login/x',
          lang,
          clientName: 'broker',
          eids: profile.eids.slice(0, 1),
          people: [],
          minimumAcr: 'idporten-loa-substantial',
        });
        const error = simErrorPage(profile.brand, lang, 'boom');
        for (const page of [html, error]) {
          assert.match(
            page,
            new RegExp(`<header><p class="brand">${profile.brand.name} <span class="tag">${profile.brand.tag}</span></p></header>`),
          );
          assert.match(
            page,
            /<aside class="sim-banner" aria-label="Simulator"><p>Simulator – [^<]*\b(ikke|ikkje|not)\b[^<]*<\/p><\/aside>/,
          );
          assert.match(page, new RegExp(`\\b${profile.brand.name}\\b`));
        }
        assert.match(html, /<title>[^<]*\((simulator|test)\)<\/title>/);
      }
    });
  }
});
