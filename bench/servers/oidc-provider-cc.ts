// The peer: panva's oidc-provider issuing client_credentials JWT access tokens (ES256) from its
// in-memory store, configured as a Node developer would for this job.
import { profileOnSignal } from './profiling.ts';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

// Listens first (PORT=0: on a port the kernel picks) and answers once the provider, whose issuer names the port, exists.
const server = createServer();
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'bench',
      client_secret: process.env.CLIENT_SECRET!,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'k1' }] },
  scopes: ['signicat-api'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:signicat-api',
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'signicat-api',
        audience: 'signicat-api',
        accessTokenTTL: 600,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
profileOnSignal();
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
