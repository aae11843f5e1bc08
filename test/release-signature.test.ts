import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, type ReleaseIdentity, sha256Hex, signRelease, verifyRelease } from '../agent/release/signature.ts';
import { tempDir } from './support/server.ts';

describe('signed releases', () => {
  const publisher = generateSigningKey();
  const artifact = Buffer.from('#!/bin/sh\necho new version\n');
  const release: ReleaseIdentity = { kind: 'software', name: 'solmate-agent', version: '2.1.0', sha256: sha256Hex(artifact) };
  const signature = signRelease(release, publisher.privateKeyPem);

  it('verifies the publisher’s signature over the identity and the artifact’s digest', () => {
    expect(publisher.publicKey).toMatch(/^ed25519:[A-Za-z0-9+/]{43}=$/);
    expect(verifyRelease(release, signature, publisher.publicKey, artifact)).toBe(true);
  });

  it('refuses what is unsigned, altered, relabelled, or signed with another key', () => {
    expect(verifyRelease(release, null, publisher.publicKey, artifact)).toBe('the release is not signed');
    expect(verifyRelease(release, signature, publisher.publicKey, Buffer.from('#!/bin/sh\nrm -rf /\n'))).toBe(
      'the artifact is not the one the release names (SHA-256 differs)',
    );
    expect(verifyRelease({ ...release, version: '2.1.1' }, signature, publisher.publicKey, artifact)).toBe(
      'the signature does not match this release and key',
    );
    expect(verifyRelease({ ...release, kind: 'script' }, signature, publisher.publicKey, artifact)).toBe(
      'the signature does not match this release and key',
    );
    expect(verifyRelease(release, signature, generateSigningKey().publicKey, artifact)).toBe(
      'the signature does not match this release and key',
    );
    expect(verifyRelease(release, 'bm90IGEgc2lnbmF0dXJl', publisher.publicKey, artifact)).toBe(
      'the signature does not match this release and key',
    );
    expect(verifyRelease(release, signature, 'rsa:abc', artifact)).toBe(
      'a public key looks like ed25519:<44 characters of base64>',
    );
  });

  it('never signs two identities alike: a field cannot smuggle a line break', () => {
    expect(() => signRelease({ ...release, name: 'a\nb' }, publisher.privateKeyPem)).toThrow(/name must be one line/);
  });
});

describe('npm run release', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'agent/release/cli.ts', ...args], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });

  it('makes a key pair (the private key private), and signs an artifact a device then verifies', () => {
    const dir = tempDir('smartos-release-');
    try {
      const made = cli(['keygen', '--out', dir.path]);
      expect(made.status, made.stderr).toBe(0);
      const publicKey = /Public key for devices' config: (\S+)/.exec(made.stdout)?.[1] as string;
      const keyFile = join(dir.path, 'release-key.pem');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(cli(['keygen', '--out', dir.path]).stderr).toMatch(/exists: a key is not replaced by accident/);

      const file = join(dir.path, 'agent.mjs');
      writeFileSync(file, 'console.log("v3")\n');
      const signed = cli(['sign', '--file', file, '--name', 'agent', '--version', '3.0.0', '--key', keyFile]);
      expect(signed.status, signed.stderr).toBe(0);
      const out = JSON.parse(signed.stdout) as ReleaseIdentity & { signature: string; size: number };
      expect(out).toMatchObject({ kind: 'software', name: 'agent', version: '3.0.0', size: 18 });
      const { signature, size: _size, ...identity } = out;
      expect(verifyRelease(identity, signature, publicKey, readFileSync(file))).toBe(true);

      expect(cli(['sign', '--file', file, '--name', 'agent', '--version', 'three', '--key', keyFile]).stderr).toMatch(
        /--version is a semantic version/,
      );
      expect(cli(['frobnicate']).status).toBe(2);
    } finally {
      dir.remove();
    }
  });
});
