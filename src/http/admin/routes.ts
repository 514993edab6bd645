// The admin API: every administration command, run by the broker on its own store. For automation, and
// for the CLI when a broker holds the embedded store (src/admin/endpoint.ts). Its own credentials: the
// operator's EIDGATE_ADMIN_TOKEN and, on the embedded store, a token made at each start and published in
// the data directory; never an API client's access token. Failed attempts count towards the same lockout
// as the token endpoint's (per address). Errors are Signicat's error object.
import { MAX_DATA_LOGO } from '../../domain/branding.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { COMMANDS, type CommandContext, UsageError } from '../../admin/commands.ts';
import type { Sealer } from '../../crypto.ts';
import type { Accounts } from '../../domain/accounts.ts';
import type { Webhooks } from '../../domain/webhooks/subscriptions.ts';
import { type AuthThrottle, ADMIN_RULE } from '../../domain/auth-throttle.ts';
import { errors } from '../../errors/index.ts';
import type { Store } from '../../store/index.ts';
import { apiErrorSchema } from '../api/schemas.ts';
import { useApiErrors } from '../errors.ts';

export const ADMIN_COMMANDS_PATH = '/admin/v1/commands';

const OPTION_NAMES = [
  'name',
  'id',
  'callback-domain',
  'account',
  'permission',
  'token-lifetime',
  'issuer',
  'client-id',
  'client-secret',
  'private-key-file',
  'bankid-api',
  'ca-file',
  'pfx-file',
  'pfx-passphrase',
  'cert-file',
  'key-file',
  'launch-url',
  'client-auth',
  'par',
  'url',
  'event',
  'tag',
  'overlap-seconds',
  'scope',
  'acr',
  'acr-map',
  'claims',
  'claims-file',
  'label',
  'id-token-alg',
  'display-name',
  'logo-url',
  'help-url',
  'contact-url',
  'privacy-url',
  'primary',
  'background',
  'header',
  'font',
  'corners',
  'redirect-uri',
  'post-logout-uri',
  'jwks',
  'jwks-uri',
  'provider',
  'level',
  'default-level',
  'claim',
  'id-token-lifetime',
  'pkce',
  'subject',
] as const;
const LIST_OPTIONS = new Set([
  'callback-domain',
  'permission',
  'event',
  'tag',
  'acr',
  'acr-map',
  'label',
  'display-name',
  'redirect-uri',
  'post-logout-uri',
  'provider',
  'level',
  'claim',
]);

const commandSchema = {
  tags: ['Administration'],
  summary: 'Run an administration command',
  description:
    "Runs one of the commands of the eidgate CLI (`eidgate accounts create …`) on the broker: accounts and their domains, API clients and secrets, signing keys, provider configurations, webhook subscriptions, OIDC clients of the OpenID Provider. Authenticate with `Authorization: Bearer <EIDGATE_ADMIN_TOKEN>`. The answer is the command's result (what `--json` prints) and its human line.",
  security: [{ adminToken: [] }],
  body: {
    type: 'object',
    required: ['command'],
    additionalProperties: false,
    properties: {
      command: { type: 'string', enum: Object.keys(COMMANDS), description: 'The command, as its two words.' },
      args: { type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: 4, description: 'Positional arguments.' },
      options: {
        type: 'object',
        additionalProperties: false,
        description: 'Options by their CLI names, without the dashes.',
        properties: Object.fromEntries(
          OPTION_NAMES.map((n) => [
            n,
            LIST_OPTIONS.has(n)
              ? { type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: 50 }
              : { type: 'string', maxLength: n === 'logo-url' ? MAX_DATA_LOGO : 4000 },
          ]),
        ),
      },
    },
    examples: [{ command: 'accounts create', options: { name: 'Kommune', 'callback-domain': ['app.kommune.no'] } }],
  },
  response: {
    200: {
      type: 'object',
      required: ['result', 'text'],
      properties: { result: {}, text: { type: 'string', description: 'The line the CLI prints.' } },
    },
    ...Object.fromEntries([400, 401, 404, 409, 429].map((s) => [s, { $ref: 'Error#' }])),
  },
} as const;

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface AdminDeps {
  store: Store;
  accounts: Accounts;
  sealer: Sealer;
  throttle: AuthThrottle;
  webhooks: Webhooks;
  /** The tokens that open the admin API; with none, it answers 404. */
  tokens: string[];
}

export async function adminRoutes(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  useApiErrors(app);
  app.addSchema(apiErrorSchema);
  const accepted = deps.tokens.map(digest);

  const authenticate = async (request: FastifyRequest) => {
    const keys = [{ key: `admin:${request.ip}`, rule: ADMIN_RULE }];
    const wait = await deps.throttle.retryAfter(keys);
    if (wait > 0) throw errors.tooManyRequests(`Too many failed admin authentications from this address; try again in ${wait} s.`, wait);
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const given = m?.[1] ? digest(m[1]) : undefined;
    if (given && accepted.some((t) => timingSafeEqual(t, given))) return;
    const locked = await deps.throttle.failed(keys);
    if (locked > 0)
      throw errors.tooManyRequests(`Too many failed admin authentications from this address; try again in ${locked} s.`, locked);
    throw errors.invalidToken('The admin API needs Authorization: Bearer <admin token>.');
  };

  app.post<{ Body: { command: string; args?: string[]; options?: CommandContext['values'] } }>(
    ADMIN_COMMANDS_PATH,
    { schema: commandSchema, onRequest: async (request) => authenticate(request) },
    async (request, reply) => {
      const { command: name, args = [], options = {} } = request.body;
      const command = COMMANDS[name];
      if (!command) throw errors.notFound(`No command ${name}.`);
      if (args.length !== command.args) {
        throw errors.invalidRequestParameter([{ name: 'args', reason: `${name} takes ${command.args} argument(s)` }]);
      }
      let output: { result: unknown; text: string } | undefined;
      const ctx: CommandContext = {
        args,
        values: options,
        store: deps.store,
        accounts: deps.accounts,
        sealer: () => deps.sealer,
        webhooks: () => deps.webhooks,
        out: (value, human) => {
          output = { result: value, text: human() };
        },
      };
      try {
        await command.run(ctx, (i) => args[i] ?? '');
      } catch (e) {
        if (e instanceof UsageError) throw errors.badRequest(e.message);
        throw e;
      }
      request.log.info({ command: name }, 'admin command run');
      return reply.header('cache-control', 'no-store').send(output ?? { result: null, text: '' });
    },
  );
}

/** Admin paths answer 404 when no admin token is configured: the API is off, not forbidden. */
export async function adminDisabledRoutes(app: FastifyInstance): Promise<void> {
  useApiErrors(app);
  app.post(ADMIN_COMMANDS_PATH, { schema: { hide: true } }, async () => {
    throw errors.notFound('The admin API is off: set EIDGATE_ADMIN_TOKEN (or run on the embedded store).');
  });
}
