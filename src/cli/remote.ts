// The CLI's way through a running broker that holds the embedded store: the command goes to its admin API
// with the token it published, and the answer (or its error) comes back as if the command had run here.
// When the broker does not answer, nothing is written anywhere and the message says what to do.
import type { AdminEndpoint } from '../admin/endpoint.ts';
import { AppError } from '../errors/index.ts';
import { ADMIN_COMMANDS_PATH } from '../http/admin/routes.ts';

export async function runRemote(
  endpoint: AdminEndpoint,
  dataDir: string,
  command: string,
  args: string[],
  options: Record<string, unknown>,
): Promise<{ result: unknown; text: string }> {
  let res: Response;
  try {
    res = await fetch(`${endpoint.url}${ADMIN_COMMANDS_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${endpoint.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ command, args, options }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new Error(
      `a broker (pid ${endpoint.pid}) holds DATA_DIR=${dataDir}, but its admin API at ${endpoint.url} did not answer (${(e as Error).message}); nothing was changed. Wait for it to finish starting, or stop it and run the command again.`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as { result?: unknown; text?: string; detail?: string; code?: string };
  if (res.ok) return { result: body.result ?? null, text: body.text ?? '' };
  // The broker's refusal, as the command would have refused here (exit code 1).
  throw new AppError('bad_request', body.detail ?? `the broker answered ${res.status}`);
}
