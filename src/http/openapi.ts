// The OpenAPI 3.1 document (generated from the route schemas) at /openapi.json, and its reference UI at /docs.
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import { describeDocument, type OpenApiObject, securitySchemes } from './api/document.ts';
import { PATHS } from './paths.ts';

export async function registerOpenApi(app: FastifyInstance, publicUrl: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'eidgate Authentication REST API',
        version: '1',
        // The integrator's guide is written by describeDocument (api/document.ts).
      },
      servers: [{ url: publicUrl }],
      components: { securitySchemes: securitySchemes(`${publicUrl}${PATHS.token}`) },
    },
    // Runs once per document build (the result is cached); describes the document in place.
    transformObject: (d) => {
      if (!('openapiObject' in d)) return d.swaggerObject;
      describeDocument(d.openapiObject as unknown as OpenApiObject, `${publicUrl}${PATHS.token}`);
      return d.openapiObject;
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(scalar, { routePrefix: '/docs', configuration: { url: '/openapi.json' } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
