// The peer: panva's oidc-provider issuing client_credentials JWT access tokens (ES256) from its
// in-memory store, configured as a Node developer would for this job.
import { profileOnSignal } from './profiling.ts';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';

const port = Number(process.env.PORT);
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
provider.listen(port, () => process.stdout.write(`${JSON.stringify({ ready: true })}\n`));
