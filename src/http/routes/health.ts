// Liveness, readiness and Prometheus metrics.
import type { FastifyInstance } from 'fastify';
import { apiErrorBody } from '../error-mapping.ts';
import { errors } from '../../errors.ts';
import type { Store } from '../../store/store.ts';

export async function healthRoutes(app: FastifyInstance, deps: { store: Store }): Promise<void> {
  app.get('/healthz', { schema: { tags: ['Operations'], summary: 'Liveness: 200 while the process serves' } }, async () => ({
    status: 'ok',
  }));
  app.get('/readyz', { schema: { tags: ['Operations'], summary: 'Readiness: 200 when the store answers' } }, async (request, reply) => {
    try {
      await deps.store.ping();
      return { status: 'ready', store: deps.store.kind };
    } catch (e) {
      request.log.warn({ err: e }, 'store not ready');
      return reply
        .status(503)
        .type('application/problem+json')
        .send(apiErrorBody(errors.unavailable('The store does not answer.'), request.id));
    }
  });
  app.get('/metrics', { schema: { tags: ['Operations'], summary: 'Prometheus metrics', hide: true } }, async (_req, reply) =>
    reply.type(app.metrics.contentType).send(await app.metrics.metrics()),
  );
}
