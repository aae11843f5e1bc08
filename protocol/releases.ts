// What names a release, shared by its publisher (npm run release), the server that stores it and the
// device that installs it. No Node-only imports.

/** A release's name: 1 to 64 letters, digits or . _ - (also a safe folder name). */
export const RELEASE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Semantic versions: 1.2.3, 1.2.3-rc.1, 1.2.3+build.5 (never a path: no slash, no leading dot). */
export const SEMVER_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** The parameter devices report their software version in (deployments wait for the release's). */
export const VERSION_PARAMETER = 'software_version';
/** The parameter an agent reports after switching back from a release that did not come up healthy. */
export const ROLLBACK_PARAMETER = 'update_rollback';
/** `<version>#<cmdid>`: which update was rolled back, so an older rollback never counts for a newer one. */
export const rollbackMark = (version: string, cmdid: number | string) => `${version}#${cmdid}`;
/** The stages `update` reports in its `progress` results (`{"stage": …}`), in order. */
export const UPDATE_STAGES = ['downloading', 'downloaded', 'verified', 'installing'] as const;
export type UpdateStage = (typeof UPDATE_STAGES)[number];
