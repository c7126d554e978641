import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

/** The stored form could not be decrypted (wrong key, tampered, or not ours). No secret inside. */
export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`cannot decrypt a stored secret: ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}

/** Parses a base64 key of exactly 32 bytes, or throws (without echoing the value). */
export function parseSecretKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new Error(`a secret key must be ${KEY_BYTES} bytes in base64 (got ${key.length} bytes)`);
  }
  return key;
}

/**
 * Encrypts the secrets Stilts keeps in its database (provider API keys set through the admin
 * API) with AES-256-GCM: `v1:<iv>:<tag>:<ciphertext>` (base64), a fresh 96-bit IV each time,
 * and the row's id as additional authenticated data, so a ciphertext copied to another row
 * does not decrypt.
 *
 * The key is `STILTS_SECRET_KEY` (base64, 32 bytes) or, without it, `STILTS_HOME/secret.key`,
 * generated on first use with mode 0600. Replicas that do not share STILTS_HOME must share
 * `STILTS_SECRET_KEY`. The key is read lazily: an installation that never stores a secret never
 * needs one.
 */
export class SecretCipher {
  private key: Buffer | undefined;

  constructor(
    private readonly source: { readonly keyBase64?: string | undefined; readonly keyFile: string },
  ) {}

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyFor(true), iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join(
      ':',
    );
  }

  /** @throws SecretDecryptionError */
  decrypt(stored: string, aad: string): string {
    const [version, iv, tag, body] = stored.split(':');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new SecretDecryptionError('unknown format');
    }
    let key: Buffer;
    try {
      key = this.keyFor(false);
    } catch (error) {
      throw new SecretDecryptionError((error as Error).message);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretDecryptionError('wrong key or altered data');
    }
  }

  private keyFor(create: boolean): Buffer {
    if (this.key) return this.key;
    if (this.source.keyBase64) {
      this.key = parseSecretKey(this.source.keyBase64);
      return this.key;
    }
    try {
      this.key = parseSecretKey(readFileSync(this.source.keyFile, 'utf8'));
      return this.key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
        throw new Error(
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? `no secret key (set STILTS_SECRET_KEY or restore ${this.source.keyFile})`
            : `unreadable secret key file ${this.source.keyFile}: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    mkdirSync(path.dirname(this.source.keyFile), { recursive: true, mode: 0o700 });
    const key = randomBytes(KEY_BYTES);
    try {
      // 'wx': another process that created it first wins; we then read theirs.
      writeFileSync(this.source.keyFile, `${key.toString('base64')}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
      this.key = key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      this.key = parseSecretKey(readFileSync(this.source.keyFile, 'utf8'));
    }
    return this.key;
  }
}

/** The cipher for an installation: STILTS_SECRET_KEY, else STILTS_HOME/secret.key. */
export function secretCipherFrom(config: {
  readonly STILTS_SECRET_KEY?: string | undefined;
  readonly STILTS_HOME: string;
}): SecretCipher {
  return new SecretCipher({
    keyBase64: config.STILTS_SECRET_KEY,
    keyFile: path.join(config.STILTS_HOME, 'secret.key'),
  });
}
