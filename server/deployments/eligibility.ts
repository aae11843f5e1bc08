import { VERSION_PARAMETER } from '../../protocol/releases.ts';
import type { ReleaseInfo } from '../releases/release-store.ts';
import type { DeviceState } from '../state/fleet.ts';

/**
 * Why a device cannot take a release now, or null: checked when the deployment is created and again when
 * the device's turn comes (it may have changed meanwhile).
 */
export function cannotTake(device: DeviceState | undefined, release: ReleaseInfo): string | null {
  if (!device) return 'the device is not in the fleet';
  if (device.protocol !== 2) return 'the device speaks protocol v1: it cannot take updates';
  if (release.kind === 'software' && device.params[VERSION_PARAMETER] === release.version) return `already on ${release.version}`;
  return null;
}
