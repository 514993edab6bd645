// Liveness, readiness and Prometheus metrics.
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors/index.ts';
import type { Store } from '../store/index.ts';
import { sendApiError } from './errors.ts';

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
      return sendApiError(errors.unavailable('The store does not answer.'), request, reply);
    }
  });
  app.get('/metrics', { schema: { tags: ['Operations'], summary: 'Prometheus metrics', hide: true } }, async (_req, reply) =>
    reply.type(app.metrics.contentType).send(await app.metrics.metrics()),
  );
}
