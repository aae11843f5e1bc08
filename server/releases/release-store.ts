import { createHash } from 'node:crypto';
import { RELEASE_NAME_PATTERN, SEMVER_PATTERN } from '../../protocol/releases.ts';
import type { Scope, Viewer } from '../auth/viewer.ts';
import { BadInputError, ForbiddenError } from '../errors.ts';
import { type Condition, compileWhere } from '../state/query.ts';
import type { Db } from '../storage/database.ts';

/** Bounds of a release besides its artifact's size (RELEASE_MAX_BYTES). */
export const RELEASE_LIMITS = { nameChars: 64, notesChars: 4096, signatureChars: 200 } as const;
/** An Ed25519 signature in base64 is 88 characters. */
const SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;

export interface ReleaseInfo {
  id: number;
  name: string;
  version: string;
  kind: 'software' | 'script';
  notes: string;
  sha256: string;
  signature: string;
  size: number;
  /** Conditions a device must match to take it (as in `devices`); empty: every device. */
  target: Condition[];
  publisherId: number | null;
  createdAt: number;
}

export interface NewRelease {
  name: string;
  version: string;
  kind: string;
  notes: string;
  signature: string;
  target?: Condition[];
}

type Row = Omit<ReleaseInfo, 'kind' | 'createdAt' | 'target'> & { kind: string; createdAt: Date; target: string };
const info = (r: Row): ReleaseInfo => ({
  ...r,
  kind: r.kind as ReleaseInfo['kind'],
  target: JSON.parse(r.target) as Condition[],
  createdAt: r.createdAt.getTime(),
});
const select = {
  id: true,
  name: true,
  version: true,
  kind: true,
  notes: true,
  sha256: true,
  signature: true,
  size: true,
  target: true,
  publisherId: true,
  createdAt: true,
} as const;

/**
 * Releases and their artifacts, in the database: every instance serves every artifact with no shared
 * file store to set up, and a backup holds them. The server never verifies signatures (it has no key):
 * devices do, with the public key in their own configuration.
 */
export class ReleaseStore {
  /** Artifacts read lately, by id: a fleet downloading one release reads it from the database once. */
  private readonly cache = new Map<number, Buffer>();

  constructor(
    private readonly db: Db,
    private readonly maxBytes: number,
  ) {}

  async publish(publisher: Viewer | null, meta: NewRelease, artifact: Buffer): Promise<ReleaseInfo> {
    if (!RELEASE_NAME_PATTERN.test(meta.name)) throw new BadInputError('a release name is 1 to 64 letters, digits or . _ -');
    if (!SEMVER_PATTERN.test(meta.version)) throw new BadInputError('a version is a semantic version such as 1.4.0');
    if (meta.kind !== 'software' && meta.kind !== 'script') throw new BadInputError('kind is software or script');
    if (meta.notes.length > RELEASE_LIMITS.notesChars)
      throw new BadInputError(`notes have at most ${RELEASE_LIMITS.notesChars} characters`);
    if (!SIGNATURE.test(meta.signature))
      throw new BadInputError('signature: an Ed25519 signature in base64 (npm run release -- sign)');
    compileWhere(meta.target ?? []); // refuses bad conditions with the reason
    if (artifact.length === 0) throw new BadInputError('the artifact is empty');
    if (artifact.length > this.maxBytes) throw new BadInputError(`the artifact is over RELEASE_MAX_BYTES (${this.maxBytes})`);
    if (
      await this.db.release.findUnique({
        where: { name_version: { name: meta.name, version: meta.version } },
        select: { id: true },
      })
    )
      throw new BadInputError(`${meta.name} ${meta.version} exists already: versions are never replaced`);
    const row = await this.db.release.create({
      data: {
        name: meta.name,
        version: meta.version,
        kind: meta.kind,
        notes: meta.notes,
        signature: meta.signature,
        target: JSON.stringify(meta.target ?? []),
        sha256: createHash('sha256').update(artifact).digest('hex'),
        size: artifact.length,
        artifact: new Uint8Array(artifact),
        publisherId: publisher?.id ?? null,
        createdAt: new Date(),
      },
      select,
    });
    return info(row);
  }

  /** Releases the scope may see: an owner their own, an admin and lab mode all. */
  async list(scope: Scope): Promise<ReleaseInfo[]> {
    const where = scope.kind === 'all' ? {} : { publisherId: scope.ownerId };
    return (await this.db.release.findMany({ where, select, orderBy: { id: 'desc' } })).map(info);
  }

  async get(id: number, scope: Scope): Promise<ReleaseInfo> {
    const row = await this.db.release.findUnique({ where: { id }, select });
    if (!row || (scope.kind === 'owner' && row.publisherId !== scope.ownerId))
      throw new ForbiddenError(`no release ${id} of yours`);
    return info(row);
  }

  /** A release by id, whoever asks (the deployment driver); null when it was deleted. */
  async byId(id: number): Promise<ReleaseInfo | null> {
    const row = await this.db.release.findUnique({ where: { id }, select });
    return row ? info(row) : null;
  }

  /** A release the scope may deploy: its own, or one an admin published (lab mode and admins: any). */
  async deployable(id: number, scope: Scope): Promise<ReleaseInfo> {
    const row = await this.db.release.findUnique({ where: { id }, select: { ...select, publisher: { select: { role: true } } } });
    if (!row) throw new ForbiddenError(`no release ${id} of yours`);
    const { publisher, ...rest } = row;
    if (scope.kind === 'owner' && rest.publisherId !== scope.ownerId && publisher?.role !== 'admin')
      throw new ForbiddenError(`no release ${id} of yours`);
    return info(rest);
  }

  /** The release a device may fetch: one its owner published, or an admin did (lab mode: any). */
  async forDevice(id: number, ownerId: number | null, authOff: boolean): Promise<ReleaseInfo | null> {
    const row = await this.db.release.findUnique({ where: { id }, select: { ...select, publisher: { select: { role: true } } } });
    if (!row) return null;
    const { publisher, ...rest } = row;
    const allowed = authOff || (ownerId !== null && rest.publisherId === ownerId) || publisher?.role === 'admin';
    return allowed ? info(rest) : null;
  }

  async artifact(id: number): Promise<Buffer> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = await this.db.release.findUniqueOrThrow({ where: { id }, select: { artifact: true } });
    const bytes = Buffer.from(row.artifact);
    // A few recent artifacts at most: a deployment reads one release over and over.
    if (this.cache.size >= 4) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(id, bytes);
    return bytes;
  }

  async remove(id: number, scope: Scope): Promise<void> {
    await this.get(id, scope);
    await this.db.release.delete({ where: { id } });
    this.cache.delete(id);
  }
}
