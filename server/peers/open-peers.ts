import type { Config } from '../config.ts';
import type { Changes } from '../live/changes.ts';
import type { Metrics } from '../metrics.ts';
import type { Fleet } from '../state/fleet.ts';
import { PeerChannel } from './peer-channel.ts';

/** The IoT channel, fed by every change applied here (committed here or on another instance). */
export function openPeers(
  config: Pick<Config, 'peerPageDevices' | 'peerMaxBufferedBytes' | 'peerResumeSeconds' | 'auth'>,
  fleet: Fleet,
  changes: Changes,
  metrics: Pick<Metrics, 'peerFrames' | 'peerSkipped' | 'peerResumes'>,
): PeerChannel {
  const peers = new PeerChannel(
    fleet,
    {
      pageDevices: config.peerPageDevices,
      maxBufferedBytes: config.peerMaxBufferedBytes,
      resumeSeconds: config.peerResumeSeconds,
      unclaimedPeers: config.auth === 'off',
    },
    {
      frames: (n) => metrics.peerFrames.inc(n),
      skipped: () => metrics.peerSkipped.inc(),
      resumed: (result) => metrics.peerResumes.inc({ result }),
    },
  );
  changes.onApplied((applied) => peers.publish(applied));
  changes.onDeparting((serial, owner, removed) => peers.departing(serial, owner, removed));
  return peers;
}
