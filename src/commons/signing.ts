/**
 * The organisation's Ed25519 key, and signing and checking the commons feed's items. The key is COMMONS_PRIVATE_KEY
 * (PKCS#8 PEM) when the operator gives one, otherwise made once and kept in the store, made under a lock so two
 * replicas never publish under two keys. Its public half is served at /commons/key; its id is a short hash of it.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../core/canonical-json.js';
import type { Locker } from '../core/ports.js';
import type { Records } from '../store/records.js';

const KEY = 'sys:commons:key';
const StoredKeySchema = z.object({ v: z.literal(1), privateKey: z.string().min(1), createdAt: z.string() }).strict();

export interface SigningKey {
  privateKey: KeyObject;
  publicPem: string;
  keyId: string;
}

/** The key id people compare: base64url of the first 12 bytes of the SHA-256 of the public key (SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest().subarray(0, 12).toString('base64url');
}

function fromPrivatePem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('COMMONS_PRIVATE_KEY must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export class CommonsKeys {
  private cached?: Promise<SigningKey>;

  constructor(
    private readonly records: Records,
    private readonly locker: Locker,
    private readonly configured?: string,
  ) {}

  /** The key, read (or made) once per process; a failed read is tried again next time. */
  get(): Promise<SigningKey> {
    this.cached ??= this.load().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  private async load(): Promise<SigningKey> {
    if (this.configured) return fromPrivatePem(this.configured);
    const stored = await this.records.get(KEY, StoredKeySchema);
    if (stored) return fromPrivatePem(stored.privateKey);
    return this.locker.withLock(KEY, async () => {
      const again = await this.records.get(KEY, StoredKeySchema);
      if (again) return fromPrivatePem(again.privateKey);
      const { privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await this.records.set(KEY, { v: 1, privateKey: pem, createdAt: new Date().toISOString() });
      return fromPrivatePem(pem);
    });
  }
}

export function signValue(key: KeyObject, value: unknown): string {
  return sign(null, Buffer.from(canonicalJson(value)), key).toString('base64url');
}

export function verifyValue(publicPem: string, value: unknown, signature: string): boolean {
  try {
    return verify(
      null,
      Buffer.from(canonicalJson(value)),
      createPublicKey(publicPem),
      Buffer.from(signature, 'base64url'),
    );
  } catch {
    return false;
  }
}
