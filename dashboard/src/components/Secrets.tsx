import { type JSX, Show } from 'solid-js';

/** A Revoke button while the credential is good, "revoked" after. */
export function RevokeOrRevoked(props: { revokedAt: string | null | undefined; onRevoke: () => void }) {
  return (
    <Show when={!props.revokedAt} fallback={<span class="meta"> · revoked</span>}>
      {' '}
      <button type="button" onClick={() => props.onRevoke()}>
        Revoke
      </button>
    </Show>
  );
}

/** A secret the server shows once, selectable in one click. */
export function SecretOnce(props: { secret: string | null; children: JSX.Element }) {
  return (
    <Show when={props.secret}>
      {(s) => (
        <p class="secret" role="status">
          {props.children} <code>{s()}</code>
        </p>
      )}
    </Show>
  );
}
