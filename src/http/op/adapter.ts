// oidc-provider's storage adapter on eidgate's store: every model instance one row of oidc_payloads, its
// payload sealed (bound to model and id, so a row copied elsewhere does not open), its expiry honoured on
// read and purged by the purge job. Clients are not stored here: the Client model reads the accounts'
// OIDC clients (domain/oidc-clients.ts), so a client changed with the CLI is seen by every process at once.
import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import { AAD, type Sealer } from '../../crypto.ts';
import type { Store } from '../../store/index.ts';

export interface AdapterDeps {
  store: Store;
  sealer: Sealer;
  /** The Client model's metadata for a client id (undefined: no such client). */
  clientMetadata: (clientId: string) => Promise<AdapterPayload | undefined>;
}

class StoreAdapter implements Adapter {
  readonly #model: string;
  readonly #deps: AdapterDeps;

  constructor(model: string, deps: AdapterDeps) {
    this.#model = model;
    this.#deps = deps;
  }

  #seal(id: string, payload: AdapterPayload): string {
    return this.#deps.sealer.sealJson(payload, AAD.oidcPayload(this.#model, id));
  }

  #open(id: string, row: { payloadEnc: string; consumedAt: Date | null }): AdapterPayload {
    const payload = this.#deps.sealer.openJson(row.payloadEnc, AAD.oidcPayload(this.#model, id)) as AdapterPayload;
    if (row.consumedAt) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
    return payload;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    await this.#deps.store.oidcPayloads.upsert({
      model: this.#model,
      id,
      payloadEnc: this.#seal(id, payload),
      grantId: payload.grantId,
      uid: payload.uid,
      userCode: payload.userCode,
      expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.#model === 'Client') return this.#deps.clientMetadata(id);
    const row = await this.#deps.store.oidcPayloads.find(this.#model, id);
    return row && this.#open(id, row);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const row = await this.#deps.store.oidcPayloads.findBy(this.#model, 'uid', uid);
    return row && this.#open(row.id, row);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const row = await this.#deps.store.oidcPayloads.findBy(this.#model, 'user_code', userCode);
    return row && this.#open(row.id, row);
  }

  /**
   * oidc-provider reads a code, sees it unused and then consumes it, so two exchanges racing would both pass
   * its check: the loser of the conditional write is a replay (RFC 6749 4.1.2), refused, its grant revoked.
   */
  async consume(id: string): Promise<void> {
    const lostTo = await this.#deps.store.oidcPayloads.consume(this.#model, id);
    if (lostTo === null) return;
    if (lostTo) await this.#deps.store.oidcPayloads.revokeByGrantId(lostTo);
    throw new errors.InvalidGrant('authorization code already consumed');
  }

  async destroy(id: string): Promise<void> {
    await this.#deps.store.oidcPayloads.destroy(this.#model, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#deps.store.oidcPayloads.revokeByGrantId(grantId);
  }
}

/** The adapter factory oidc-provider's `adapter` option takes: one adapter per model name. */
export function storeAdapter(deps: AdapterDeps): (model: string) => Adapter {
  return (model) => new StoreAdapter(model, deps);
}

/**
 * Which eID session a grant was made from (the OP's account id is the person's subject for the client, the
 * claims are the session's): kept like the OP's own state, under the grant, so it goes when the grant goes.
 */
export function grantLogins(deps: AdapterDeps) {
  const links = new StoreAdapter('EidgateLogin', deps);
  return {
    save: (grantId: string, sessionId: string, expiresIn: number) => links.upsert(grantId, { grantId, jti: sessionId }, expiresIn),
    async sessionOf(grantId: string): Promise<string | undefined> {
      return (await links.find(grantId))?.jti;
    },
  };
}
