// The development credentials a newcomer needs, shown where a person reads them and never where logs are
// collected: on the terminal (stderr if it is one, else stdout if it is one), and when no terminal is
// attached (output piped or redirected) in a file beside the embedded store, readable only by its owner.
// stdout without a terminal carries JSON log lines only.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { DevCredentials } from './bootstrap.ts';
import type { Urls } from './http/paths.ts';

export const CREDENTIALS_FILE = 'development-credentials.txt';

export function developmentBanner(creds: DevCredentials, publicUrl: string, urls: Urls, sbid?: { appUrl: string }): string {
  return `${[
    '',
    '  eidgate development account',
    `    accountId:     ${creds.accountId}`,
    `    client_id:     ${creds.clientId}`,
    `    client_secret: ${creds.clientSecret ?? '(shown only when created; set EIDGATE_DEV_CLIENT_SECRET to fix it)'}`,
    `    token:         curl -s -u '${creds.clientId}:<client_secret>' -d grant_type=client_credentials -d scope=signicat-api ${urls.token}`,
    ...(creds.oidc
      ? [
          `    OIDC issuer:   ${urls.issuer}   (OpenID Provider; acr_values=idp:idporten picks the eID)`,
          `    OIDC client:   ${creds.oidc.clientId}`,
          `    OIDC secret:   ${creds.oidc.clientSecret ?? '(shown only when created; set EIDGATE_DEV_OIDC_CLIENT_SECRET to fix it)'}`,
          `    redirect URIs: ${creds.oidc.redirectUris.join(', ')}   (EIDGATE_DEV_OIDC_REDIRECT_URIS)`,
        ]
      : []),
    `    try a login:   ${publicUrl}/`,
    `    API docs:      ${publicUrl}/docs`,
    ...(sbid
      ? [
          '',
          '  Swedish BankID simulator (the phone of a test person)',
          `    scan a QR:     ${sbid.appUrl}/app/scan?qr=<the code the page or idpData.qrData shows>`,
          `    open the app:  ${sbid.appUrl}/app?autostarttoken=<idpData.autoStartToken>`,
        ]
      : []),
    '',
  ].join('\n')}\n`;
}

interface Terminal {
  isTTY?: boolean;
  write(text: string): unknown;
}

export function showDevelopmentCredentials(
  banner: string,
  dataDir: string,
  log: Logger,
  streams: { stdout: Terminal; stderr: Terminal } = { stdout: process.stdout, stderr: process.stderr },
): void {
  const terminal = streams.stderr.isTTY ? streams.stderr : streams.stdout.isTTY ? streams.stdout : undefined;
  if (terminal) {
    terminal.write(banner);
    return;
  }
  if (dataDir === 'memory://') {
    log.info('development credentials not shown: no terminal attached and no data directory to write them to');
    return;
  }
  mkdirSync(dataDir, { recursive: true });
  const file = resolve(join(dataDir, CREDENTIALS_FILE));
  writeFileSync(file, banner, { mode: 0o600 });
  chmodSync(file, 0o600);
  log.info({ file }, 'development credentials written to a file (no terminal attached to show them on)');
}
