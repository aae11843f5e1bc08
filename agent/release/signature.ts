// Signed releases: the publisher signs (with Ed25519, a key that never reaches the server) the release's
// identity and the SHA-256 of its artifact; a device verifies both with the public key in its own config
// and refuses anything unsigned, mis-signed or altered.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';

/** Names the signed text's layout, so a later layout can never be mistaken for this one. */
export const SIGNATURE_SCHEME = 'smart-os-release-v1';

export interface ReleaseIdentity {
  kind: 'software' | 'script';
  name: string;
  version: string;
  /** The artifact's SHA-256, lowercase hex. */
  sha256: string;
}

/** The bytes that are signed: every field on its own line, so no two identities sign the same text. */
export function signedText(r: ReleaseIdentity): Buffer {
  const fields = { kind: r.kind, name: r.name, version: r.version, sha256: r.sha256 };
  for (const [field, value] of Object.entries(fields)) if (value.includes('\n')) throw new TypeError(`${field} must be one line`);
  return Buffer.from([SIGNATURE_SCHEME, fields.kind, fields.name, fields.version, fields.sha256].join('\n'));
}

export const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

// An Ed25519 public key in SubjectPublicKeyInfo DER is this prefix and the 32 raw bytes.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A new key pair: the private key as PKCS#8 PEM (keep it secret), the public key as `ed25519:<base64>`. */
export function generateSigningKey(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKey: `ed25519:${raw.toString('base64')}`,
  };
}

/** A public key from a device's config, or why it is not one. */
export function parsePublicKey(text: string): KeyObject | string {
  const m = /^ed25519:([A-Za-z0-9+/]{43}=)$/.exec(text.trim());
  if (!m) return 'a public key looks like ed25519:<44 characters of base64>';
  return createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, Buffer.from(m[1] as string, 'base64')]),
    format: 'der',
    type: 'spki',
  });
}

/** The signature (base64) of a release, with the publisher's private key (PEM). */
export function signRelease(r: ReleaseIdentity, privateKeyPem: string): string {
  return sign(null, signedText(r), createPrivateKey(privateKeyPem)).toString('base64');
}

/**
 * What a device checks before it installs or runs anything: the artifact's digest is the one signed,
 * and the signature is the publisher's. True, or the reason it is refused.
 */
export function verifyRelease(
  r: ReleaseIdentity,
  signature: string | null | undefined,
  publicKey: string,
  artifact: Uint8Array,
): true | string {
  if (!signature) return 'the release is not signed';
  const key = parsePublicKey(publicKey);
  if (typeof key === 'string') return key;
  if (sha256Hex(artifact) !== r.sha256) return 'the artifact is not the one the release names (SHA-256 differs)';
  let ok = false;
  try {
    ok = verify(null, signedText(r), key, Buffer.from(signature, 'base64'));
  } catch {
    ok = false;
  }
  return ok ? true : 'the signature does not match this release and key';
}
