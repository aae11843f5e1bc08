// A device gateway process (DEVICE_GATEWAYS): started by the core with fork(), never by hand. It lives as
// long as its IPC channel: when the core goes, so does it (and with it the sockets it held).
import type { Socket } from 'node:net';
import { Gateway } from './gateway.ts';
import { type FromGateway, FromSocket, type GatewayOptions, type ToGateway } from './gateway-protocol.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as GatewayOptions;
const send = (message: FromGateway) => process.send?.(message);
const gateway = new Gateway(options, (events) => send({ t: 'events', events }));
gateway.start();

process.on('message', (message: ToGateway, handle?: Socket) => {
  if (message.t === 'ops') gateway.apply(message.ops);
  else if (message.t === 'adopt') {
    // A socket that closed on its way here arrives as nothing: the core forgets it.
    if (handle) gateway.adopt(message, handle);
    else send({ t: 'events', events: [[message.id, FromSocket.failed]] });
  }
});
process.on('disconnect', () => {
  gateway.stop();
  process.exit(0);
});
send({ t: 'ready' });
