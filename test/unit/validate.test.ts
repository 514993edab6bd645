// The create-time checks a JSON schema cannot express, on their own: provider parameters through the
// registry's declarations, and embedded parents.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InvalidParam } from '../../src/errors/index.ts';
import { findProvider, type ProviderDefinition } from '../../src/domain/providers/registry.ts';
import { checkAdditionalParameters, checkEmbeddedParents } from '../../src/domain/sessions/validate.ts';
import type { SessionRequest } from '../../src/model/session.ts';

/** A provider that defines parameters, as Norwegian BankID will (nbid_idp, nbid_stepup). */
const withParameters: ProviderDefinition = {
  ...findProvider('idporten')!,
  id: 'nbid',
  additionalParameters: {
    nbid_idp: { description: 'BankID, BankID app or biometrics', values: ['BID', 'BIM', 'BIS'] },
    nbid_stepup: { description: 'Step up', values: ['high'] },
  },
};
const withoutParameters = findProvider('idporten')!;

const check = (params: Record<string, string>, providers: ProviderDefinition[]) => {
  const bad: InvalidParam[] = [];
  checkAdditionalParameters(params, providers, bad);
  return bad;
};

describe('additionalParameters through the registry', () => {
  it("a provider's own keys are checked: unknown keys and values refused, naming the key", () => {
    assert.deepEqual(check({ nbid_idp: 'BIM', nbid_stepup: 'high' }, [withParameters]), []);
    const bad = check({ nbid_idp: 'XXX', nbid_colour: 'red' }, [withParameters, withoutParameters]);
    assert.deepEqual(
      bad.map((b) => b.name),
      ['additionalParameters.nbid_idp', 'additionalParameters.nbid_colour'],
    );
    assert.match(bad[0]!.reason, /BID, BIM, BIS/);
    assert.match(bad[1]!.reason, /not a parameter of nbid \(known: nbid_idp, nbid_stepup\)/);
  });

  it('keys of providers that define none, or of no provider of the session, are ignored', () => {
    assert.deepEqual(check({ idporten_x: '1', sbid_flow: 'QR', note: 'n' }, [withoutParameters]), []);
    assert.deepEqual(check({ nbid_idp: 'XXX' }, [withoutParameters]), [], 'nbid is not a provider of this session');
  });
});

describe('embedded parents', () => {
  const parents = (embeddedParentDomains: string[], flow: SessionRequest['flow'] = 'embedded') => {
    const bad: InvalidParam[] = [];
    const out = checkEmbeddedParents({ flow, embeddedParentDomains } as SessionRequest, bad);
    return { out, bad: bad.map((b) => b.name) };
  };

  it('are required for the embedded flow and lower-cased', () => {
    assert.deepEqual(parents(['Shop.Example.com', 'https://Pay.example.com:8443']), {
      out: ['shop.example.com', 'https://pay.example.com:8443'],
      bad: [],
    });
    const bad: InvalidParam[] = [];
    checkEmbeddedParents({ flow: 'embedded' } as SessionRequest, bad);
    assert.deepEqual(
      bad.map((b) => b.name),
      ['embeddedParentDomains'],
    );
  });

  it('refuse http outside this machine and impossible ports', () => {
    assert.deepEqual(parents(['http://shop.example.com', 'http://localhost:5173', 'example.com:0']).bad, [
      'embeddedParentDomains[0]',
      'embeddedParentDomains[2]',
    ]);
  });
});
