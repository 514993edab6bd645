// The OpenAPI 3.1 document (generated from the route schemas) at /openapi.json, and its reference page at
// /docs: server-rendered from the same document, with one stylesheet and one script of ours, so it works
// with no internet and under a strict Content-Security-Policy.
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { describeDocument, type OpenApiObject, securitySchemes } from './api/document.ts';
import { type ApiDocument, DOCS_CSS_PATH, DOCS_SCRIPT_PATH, renderReference } from './docs/page.ts';
import { PATHS } from './paths.ts';

const DOCS_CSS = readFileSync(new URL('./docs/docs.css', import.meta.url), 'utf8');
const DOCS_SCRIPT = readFileSync(new URL('./docs/try.js', import.meta.url), 'utf8');

/**
 * The reference page's policy: our script and stylesheet only, no inline script or style (the page has
 * none), requests only to this origin (the token endpoint and the API the forms try), and no form
 * submissions (the script sends the requests).
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

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
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // The routes are all registered before the first request, so the page is rendered once, then reused.
  let page: string | undefined;
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => {
    page ??= renderReference(app.swagger() as unknown as ApiDocument);
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', DOCS_CSP)
      .header('cache-control', 'no-cache')
      .send(page);
  });
  // The old address of the reference UI.
  app.get('/docs/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs', 301));
  app.get(DOCS_CSS_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DOCS_CSS),
  );
  app.get(DOCS_SCRIPT_PATH, { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(DOCS_SCRIPT),
  );
}
