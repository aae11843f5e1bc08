import type { IncomingMessage } from 'node:http';
import type { Identify } from '../auth/identity.ts';
import { scopeOf } from '../auth/viewer.ts';
import type { ExportAccess } from '../history/export.ts';

/** /export.*: a session, or an API token with the read scope (lab mode: everyone). */
export function exportAccess(identify: Identify, authOff: boolean) {
  return async (req: IncomingMessage): Promise<ExportAccess> => {
    const identity = await identify.of(req.headers);
    if (identity.problem) return { status: 401, error: identity.problem };
    const scope = scopeOf(identity.viewer, authOff);
    if (!scope) return { status: 401, error: 'sign in first' };
    if (!identity.grants.read) return { status: 403, error: 'this API token lacks the read scope' };
    return { scope, user: identity.viewer ? `user:${identity.viewer.id}` : 'lab' };
  };
}
