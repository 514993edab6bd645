// The encryption key at rest, as a deployment lives with it: a start with a key that is not the store's stops
// with a message instead of failing later on every sealed row; rotation (a new key, the old ones kept for
// reading) and `eidgate keys reseal`, which re-seals every sealed column with the current key.
//
// Pseudonyms (subject.id, sessionNonce, transactionId) must not change when the key rotates, so they do not
// come from the current key: the store keeps its pseudonym key in encryption_key_check, sealed like any
// other value. It is the key every store always derived from its first encryption key, so nothing that was
// handed out before changes. Opening it at start is also the key check.
import { AAD, Sealer } from '../crypto.ts';
import { SEALED_COLUMNS, type SealedColumn, type Store } from '../store/index.ts';
import { LOCKS } from '../store/locks.ts';

export interface EncryptionKeys {
  /** Seals from now on (base64, 32 bytes). */
  current: string;
  /** Open only: keys being rotated out. */
  old: string[];
}

/** The store holds data that none of the configured keys opens. */
export class EncryptionKeyMismatch extends Error {
  constructor() {
    super(
      'the store was sealed with another encryption key: set EIDGATE_ENCRYPTION_KEY to the key it was created with ' +
        '(while rotating, list the earlier key in EIDGATE_OLD_ENCRYPTION_KEYS)',
    );
  }
}

/** The sealer for this store: checks the keys against the store (first start: records the check), then loads the pseudonym key. */
export async function openSealer(store: Store, keys: EncryptionKeys): Promise<Sealer> {
  const sealer = new Sealer(keys.current, { oldKeys: keys.old });
  const pseudonymKey = await store.withLock(LOCKS.keyCheck, async () => {
    const sealed = await store.sealedColumns.keyCheck();
    if (sealed !== undefined) return openPseudonymKey(sealer, sealed);
    // No check yet: a new store, or one from before the check existed (its data sealed with its first key).
    const first = await firstKeyOf(store, keys);
    const key = Sealer.derivePseudonymKey(first);
    await store.sealedColumns.createKeyCheck(sealer.seal(key.toString('base64'), AAD.pseudonymKey));
    const stored = await store.sealedColumns.keyCheck();
    return openPseudonymKey(sealer, stored ?? '');
  });
  return new Sealer(keys.current, { oldKeys: keys.old, pseudonymKey });
}

function openPseudonymKey(sealer: Sealer, sealed: string): Buffer {
  try {
    return Buffer.from(sealer.open(sealed, AAD.pseudonymKey), 'base64');
  } catch {
    throw new EncryptionKeyMismatch();
  }
}

/** Which configured key sealed a store that has no check yet: the one that opens its signing keys (any key on an empty store). */
async function firstKeyOf(store: Store, keys: EncryptionKeys): Promise<string> {
  const [signingKey] = await store.sealedColumns.page('signing_keys.private_jwk_enc', undefined, 1);
  if (!signingKey) return keys.current;
  for (const k of [keys.current, ...keys.old]) {
    if (new Sealer(k).isCurrent(signingKey.sealed, aadOf('signing_keys.private_jwk_enc', signingKey.key))) return k;
  }
  throw new EncryptionKeyMismatch();
}

/** How each sealed column binds its values to their row (the same AAD the writers use). */
function aadOf(column: SealedColumn, key: string[]): string {
  const [a = '', b = ''] = key;
  switch (column) {
    case 'sessions.identity_enc':
      return AAD.session(a);
    case 'sessions.journey_enc':
      return AAD.journey(a);
    case 'provider_configs.secret_enc':
      return AAD.provider(a, b);
    case 'signing_keys.private_jwk_enc':
      return AAD.signingKey(a);
    case 'encryption_key_check.pseudonym_key_enc':
      return AAD.pseudonymKey;
    case 'webhook_subscriptions.secret_enc':
    case 'webhook_subscriptions.previous_secret_enc':
      return AAD.webhookSecret(a);
    case 'oidc_payloads.payload_enc':
      return AAD.oidcPayload(a, b);
    case 'oidc_keys.private_jwk_enc':
      return AAD.oidcKey(a);
  }
}

export interface ResealCount {
  /** Values read. */
  scanned: number;
  /** Re-sealed with the current key now. */
  resealed: number;
  /** Opened by no configured key: left unchanged. */
  unreadable: number;
}

export type ResealReport = Record<SealedColumn, ResealCount>;

/**
 * Re-seals every sealed value that the current key does not open, in batches of `batchSize` rows (each row
 * its own conditional write, so brokers keep serving meanwhile). Run it after deploying a new
 * EIDGATE_ENCRYPTION_KEY with the old one in EIDGATE_OLD_ENCRYPTION_KEYS; when it reports nothing
 * unreadable, the old key can go. Running it again is harmless.
 */
export async function resealStore(store: Store, sealer: Sealer, opts: { batchSize?: number } = {}): Promise<ResealReport> {
  const batchSize = opts.batchSize ?? 500;
  // The check first: with keys that are not the store's, nothing is touched.
  const check = await store.sealedColumns.keyCheck();
  if (check !== undefined) openPseudonymKey(sealer, check);
  const report = {} as ResealReport;
  for (const column of Object.keys(SEALED_COLUMNS) as SealedColumn[]) {
    const count: ResealCount = { scanned: 0, resealed: 0, unreadable: 0 };
    let after: string[] | undefined;
    for (;;) {
      const batch = await store.sealedColumns.page(column, after, batchSize);
      for (const { key, sealed } of batch) {
        count.scanned++;
        const aad = aadOf(column, key);
        if (sealer.isCurrent(sealed, aad)) continue;
        let plain: string;
        try {
          plain = sealer.open(sealed, aad);
        } catch {
          count.unreadable++;
          continue;
        }
        if (await store.sealedColumns.replace(column, key, sealed, sealer.seal(plain, aad))) count.resealed++;
      }
      if (batch.length < batchSize) break;
      after = batch[batch.length - 1]?.key;
    }
    report[column] = count;
  }
  return report;
}
