import { builder } from './builder.ts';
import './roots.ts';
import './scalars.ts';
import './device.ts';
import './devices.ts';
import './parameter.ts';
import './device-updates.ts';
import './device-changed.ts';
import './history.ts';
import './account.ts';
import './ownership.ts';
import './credentials.ts';
import './api-tokens.ts';
import './commands.ts';
import './releases.ts';
import './deployments.ts';
import './alerts.ts';

export const schema = builder.toSchema();
