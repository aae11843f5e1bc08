import type { LinkState } from '../connection.ts';

const TEXT: Record<LinkState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  offline: 'offline',
};

export function LinkBadge(props: { state: LinkState }) {
  return (
    <span class={`link link-${props.state}`} role="status" aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {TEXT[props.state]}
    </span>
  );
}
