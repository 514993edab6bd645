// The OpenAPI 3.1 document (generated from the route schemas) at /openapi.json, and its reference UI at /docs.
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';

export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'eidgate Authentication REST API',
        version: '1',
        description:
          "Wire-compatible with Signicat's Authentication REST API. Errors use Signicat's error object (codes in docs/errors.md); the token endpoint speaks RFC 6749.",
      },
      servers: [{ url: publicUrl }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(scalar, { routePrefix: '/docs', configuration: { url: '/openapi.json' } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
