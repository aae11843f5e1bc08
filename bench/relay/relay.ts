// The reference for issue 17: a bare `ws` relay that answers every device frame OK at once and forwards it
// verbatim to every viewer (`/viewers`); it stores nothing and checks nothing. Prints its URL.
import { createServer } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { formatAck, formatWelcome } from '../../protocol/frames.ts';

const viewers = new Set<WebSocket>();
const http = createServer();
const devices = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const watch = new WebSocketServer({ noServer: true, perMessageDeflate: false });
http.on('upgrade', (req, socket, head) => {
  const target = req.url?.startsWith('/viewers') ? watch : devices;
  target.handleUpgrade(req, socket, head, (ws) => target.emit('connection', ws));
});
devices.on('connection', (ws) => {
  ws.send(formatWelcome());
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    // {"type":"UPDT","message":"<msgid>:<serial>:{…}"}: the answer names msgid and serial.
    const start = text.indexOf('"message":"') + 11;
    const second = text.indexOf(':', text.indexOf(':', start) + 1);
    ws.send(formatAck(text.slice(start, second)));
    for (const v of viewers) v.send(text);
  });
});
watch.on('connection', (ws) => {
  viewers.add(ws);
  ws.on('close', () => viewers.delete(ws));
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address && typeof address === 'object') console.log(JSON.stringify({ url: `http://127.0.0.1:${address.port}` }));
});
