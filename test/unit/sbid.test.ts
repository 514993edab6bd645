// Swedish BankID's pure parts: what a personnummer says, the messages for BankID's hint codes, the QR code's
// timing (the simulator checks the HMAC itself in the integration tests), and the autostart link.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { autostartLink, dateOfBirthOf, pendingMessage, qrPayload } from '../../src/domain/providers/sbid/bankid.ts';

describe('Swedish BankID', () => {
  it('the date of birth of a personnummer, and of a samordningsnummer (day + 60)', () => {
    assert.equal(dateOfBirthOf('199003152387'), '1990-03-15');
    assert.equal(dateOfBirthOf('198508811737'), '1985-08-21');
    assert.equal(dateOfBirthOf('19900315-2387'), undefined);
  });

  it("the person's progress in BankID's recommended words, per hint code and language", () => {
    assert.equal(pendingMessage('outstandingTransaction', 'sv'), 'Starta BankID-appen.');
    assert.equal(pendingMessage('noClient', 'en'), 'Start your BankID app.');
    assert.equal(pendingMessage('outstandingTransaction', 'en', true), 'Trying to start your BankID app.');
    assert.equal(pendingMessage('started', 'nb'), 'Identifisering eller signering pågår.');
    assert.equal(pendingMessage('userSign', 'en'), 'Enter your security code in the BankID app and select Identify.');
    assert.equal(pendingMessage('unknown', 'sv'), 'Starta BankID-appen.');
  });

  it('the QR code counts whole seconds from the order and changes with each', () => {
    const qr = {
      startToken: '67df3917-fa0d-44e5-b327-edcc928297f8',
      startSecret: 'd28db9a7-4cde-429e-a983-359be676944c',
      startedAt: '2026-01-01T00:00:00.000Z',
    };
    const at = (ms: number) => new Date(Date.parse(qr.startedAt) + ms);
    const [, token, s0, code0] = qrPayload(qr, at(999)).split('.');
    assert.equal(token, qr.startToken);
    assert.equal(s0, '0');
    assert.match(code0 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(qrPayload(qr, at(1000)).split('.')[2], '1');
    assert.notEqual(qrPayload(qr, at(1000)).split('.')[3], code0);
    assert.equal(qrPayload(qr, at(-5000)).split('.')[2], '0', 'never negative');
    assert.doesNotMatch(qrPayload(qr, at(0)), new RegExp(qr.startSecret), 'the secret is not in the code');
  });

  it('the autostart link carries the token and where to come back to', () => {
    const u = new URL(autostartLink('https://app.bankid.com/', 'tok-1', 'https://eidgate.example/login/x'));
    assert.equal(u.origin, 'https://app.bankid.com');
    assert.equal(u.searchParams.get('autostarttoken'), 'tok-1');
    assert.equal(u.searchParams.get('redirect'), 'https://eidgate.example/login/x');
  });
});
