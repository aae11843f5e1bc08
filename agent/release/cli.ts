// `npm run release -- keygen --out DIR`
//                   | `sign --file F --name N --version V [--kind software|script] --key K`
//                   | `publish --file F --version V [--name N] [--kind …] [--notes T] [--target COND] --key K --server URL
//                        [--deploy [--where COND] [--phases 5,25,100] [--rate N] [--health-seconds S]]` (SMARTOS_TOKEN)
// The publisher's side of signed releases, usable in any CI: the private key stays with whoever runs this;
// publish sends the artifact and the signature (never the key) with a personal API token that may write.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { RELEASE_NAME_PATTERN, SEMVER_PATTERN } from '../../protocol/releases.ts';
import { parseWhereText } from '../../protocol/where-text.ts';
import { generateSigningKey, sha256Hex, signRelease } from './signature.ts';

const USAGE = `usage: npm run release -- keygen --out DIR
       npm run release -- sign --file F --version V [--name N] [--kind software|script] --key KEY.pem
       npm run release -- publish --file F --version V [--name N] [--kind software|script] [--notes TEXT]
                                  [--target "solmate_version == v2"] --key KEY.pem --server https://smart-os.example.org
                                  [--deploy [--where "site == vienna"] [--phases 5,25,100] [--rate N] [--health-seconds S]]
       (API token in SMARTOS_TOKEN; --name defaults to the file's name without its extension;
        --deploy without --where sends it to every device the token's owner may command)
`;

function fail(message: string, status = 2): never {
  process.stderr.write(`smart-os release: ${message}\n`);
  process.exit(status);
}

const [command, ...rest] = process.argv.slice(2);
let flags: Record<string, string | undefined>;
try {
  flags = parseArgs({
    args: rest,
    options: {
      out: { type: 'string' },
      file: { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      kind: { type: 'string' },
      key: { type: 'string' },
      notes: { type: 'string' },
      server: { type: 'string' },
      target: { type: 'string' },
      deploy: { type: 'boolean' },
      where: { type: 'string' },
      phases: { type: 'string' },
      rate: { type: 'string' },
      'health-seconds': { type: 'string' },
    },
  }).values as Record<string, string | undefined>;
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`);
}

if (command === 'keygen') {
  if (!flags.out) fail(`keygen needs --out DIR\n${USAGE}`);
  const file = join(flags.out as string, 'release-key.pem');
  if (existsSync(file)) fail(`${file} exists: a key is not replaced by accident`);
  const { privateKeyPem, publicKey } = generateSigningKey();
  writeFileSync(file, privateKeyPem, { mode: 0o600 });
  process.stdout.write(
    `Private key: ${file} (mode 600; keep it in your CI's secrets, never on the server)\nPublic key for devices' config: ${publicKey}\n`,
  );
} else if (command === 'sign' || command === 'publish') {
  const { file, version, key } = flags;
  const name = flags.name ?? (file ? basename(file).replace(/\.[^.]*$/, '') : undefined);
  const kind = flags.kind ?? 'software';
  if (!file || !name || !version || !key) fail(`${command} needs --file, --version and --key\n${USAGE}`);
  if (!RELEASE_NAME_PATTERN.test(name as string)) fail('--name is 1 to 64 letters, digits or . _ -');
  if (!SEMVER_PATTERN.test(version as string)) fail('--version is a semantic version such as 1.4.0');
  if (kind !== 'software' && kind !== 'script') fail('--kind is software or script');
  let artifact: Buffer;
  let pem: string;
  try {
    artifact = readFileSync(file as string);
    pem = readFileSync(key as string, 'utf8');
  } catch (err) {
    fail((err as Error).message, 1);
  }
  const identity = {
    kind: kind as 'software' | 'script',
    name: name as string,
    version: version as string,
    sha256: sha256Hex(artifact),
  };
  let signature: string;
  try {
    signature = signRelease(identity, pem);
  } catch (err) {
    fail(`cannot sign with ${key}: ${(err as Error).message}`, 1);
  }
  if (command === 'sign') {
    process.stdout.write(`${JSON.stringify({ ...identity, size: artifact.length, signature })}\n`);
  } else {
    const server = flags.server;
    const token = process.env.SMARTOS_TOKEN;
    if (!server || !/^https?:\/\//.test(server)) fail('publish needs --server http(s)://…');
    if (!token) fail('publish needs an API token that may write, in SMARTOS_TOKEN');
    const target = parseWhereText(flags.target ?? '');
    if (typeof target === 'string') fail(`--target: ${target}`);
    const where = parseWhereText(flags.where ?? '');
    if (typeof where === 'string') fail(`--where: ${where}`);
    const phases = (flags.phases ?? '100').split(',').map((p) => Number(p.trim()));
    if (phases.some((p) => !Number.isInteger(p))) fail('--phases: whole percentages, e.g. 5,25,100');
    if (!flags.deploy && (flags.where || flags.phases || flags.rate || flags['health-seconds']))
      fail('--where, --phases, --rate and --health-seconds go with --deploy');
    let res: Response;
    try {
      res = await fetch(`${(server as string).replace(/\/+$/, '')}/releases`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/octet-stream',
          'x-release-name': identity.name,
          'x-release-version': identity.version,
          'x-release-kind': identity.kind,
          'x-release-signature': signature,
          'x-release-notes': encodeURIComponent(flags.notes ?? ''),
          'x-release-target': encodeURIComponent(flags.target ?? ''),
        },
        body: new Uint8Array(artifact),
      });
    } catch (err) {
      fail(`cannot reach ${server}: ${(err as Error).message}`, 1);
    }
    const body = (await res.json().catch(() => ({}))) as { id?: number; error?: string };
    if (res.status !== 201) fail(`${server} refused it (${res.status}): ${body.error ?? 'no reason given'}`, 1);
    process.stdout.write(`Published ${identity.name} ${identity.version} as release ${body.id} (sha256 ${identity.sha256})\n`);
    if (flags.deploy) {
      const input: Record<string, unknown> = { releaseId: body.id, phases };
      if (where.length > 0) input.where = where;
      else input.all = true;
      if (flags.rate) input.ratePerMinute = Number(flags.rate);
      if (flags['health-seconds']) input.healthSeconds = Number(flags['health-seconds']);
      const answer = await fetch(`${(server as string).replace(/\/+$/, '')}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id phases counts { QUEUED SKIPPED } } }',
          variables: { i: input },
        }),
      }).then(
        (r) =>
          r.json() as Promise<{
            data?: { createDeployment: { id: number; counts: { QUEUED: number; SKIPPED: number } } };
            errors?: Array<{ message: string }>;
          }>,
        (err: Error) => fail(`cannot reach ${server}: ${err.message}`, 1),
      );
      const made = answer.data?.createDeployment;
      if (!made) fail(`the deployment was refused: ${answer.errors?.[0]?.message ?? 'no reason given'}`, 1);
      process.stdout.write(
        `Deployment ${made.id}: ${made.counts.QUEUED} devices in phases ${phases.join(' → ')} %, ${made.counts.SKIPPED} skipped\n`,
      );
    }
  }
} else {
  process.stderr.write(USAGE);
  process.exit(2);
}
