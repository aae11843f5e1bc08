import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorReason } from '../../protocol/codes.ts';
import { connectDevice } from '../support/device.ts';
import { data } from '../support/graphql.ts';
import { startServer, type TestServer } from '../support/server.ts';

const frame = (type: unknown, message: unknown) => JSON.stringify({ type, message });
const updt = (head: string, body: string) => frame('UPDT', `${head}:${body}`);

/** Every frame an attacker or a broken device might send, and the exact answer it gets. */
const BAD: Array<[string, string, string | null, string]> = [
  ['empty text', '', null, ErrorReason.notJson],
  ['not JSON', '{type:UPDT}', null, ErrorReason.notJson],
  ['a JSON string', '"UPDT"', null, ErrorReason.notEnvelope],
  ['a JSON array', '[1,2]', null, ErrorReason.notEnvelope],
  ['null', 'null', null, ErrorReason.notEnvelope],
  ['no message', '{"type":"UPDT"}', null, ErrorReason.messageNotString],
  ['message is a number', frame('UPDT', 42), null, ErrorReason.messageNotString],
  ['message is an object', frame('UPDT', { a: 1 }), null, ErrorReason.messageNotString],
  ['no colons', frame('UPDT', 'hello'), null, ErrorReason.badHead],
  ['one colon', frame('UPDT', '0001:s1'), null, ErrorReason.badHead],
  ['short msgid', updt('12:s1', '{}'), null, ErrorReason.badMsgId],
  ['msgid with letters', updt('00a1:s1', '{}'), null, ErrorReason.badMsgId],
  ['msgid of 21 digits', updt(`${'1'.repeat(21)}:s1`, '{}'), null, ErrorReason.badMsgId],
  ['empty serial', updt('0001:', '{}'), null, ErrorReason.badSerial],
  ['serial ..', updt('0001:..', '{}'), null, ErrorReason.badSerial],
  ['serial with a slash', updt('0001:a/b', '{}'), null, ErrorReason.badSerial],
  ['serial of 65 characters', updt(`0001:${'s'.repeat(65)}`, '{}'), null, ErrorReason.badSerial],
  ['serial with unicode', updt('0001:sé', '{}'), null, ErrorReason.badSerial],
  ['unknown type', frame('HACK', '0001:s1:{}'), '0001:s1', ErrorReason.unsupportedType],
  ['FILT from a device', frame('FILT', '0001:s1:{}'), '0001:s1', ErrorReason.unsupportedType],
  ['body not JSON', updt('0001:s1', '{oops'), '0001:s1', ErrorReason.bodyNotJson],
  ['body an array', updt('0001:s1', '[]'), '0001:s1', ErrorReason.bodyNotObject],
  ['body a number', updt('0001:s1', '7'), '0001:s1', ErrorReason.bodyNotObject],
  ['name with a space', updt('0001:s1', '{"a b":1}'), '0001:s1', ErrorReason.badName],
  ['empty name', updt('0001:s1', '{"":1}'), '0001:s1', ErrorReason.badName],
  ['name __proto__ is fine but not a prototype', updt('0001:s1', '{"__proto__x":1, "$x":2}'), '0001:s1', ErrorReason.badName],
  ['reserved name', updt('0001:s1', '{"online":false}'), '0001:s1', ErrorReason.reservedName],
  ['reserved name with underscore', updt('0001:s1', '{"_serial":"x"}'), '0001:s1', ErrorReason.reservedName],
  ['infinite number', updt('0001:s1', '{"x":1e400}'), '0001:s1', ErrorReason.notFinite],
  ['string over 1 KiB', updt('0001:s1', `{"x":"${'é'.repeat(600)}"}`), '0001:s1', ErrorReason.stringTooLong],
];

describe('bad device frames', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ maxFramesPerSecond: 1000 });
  });
  afterAll(() => server?.close());

  it('each gets its exact ERROR on a socket that stays open, and nothing of it is stored', async () => {
    const d = await connectDevice(server.deviceUrl);
    for (const [what, text, head, reason] of BAD) {
      expect(await d.request(text), what).toEqual({ head, ok: false, reason });
    }
    expect((await d.update(1, 's1', { fine: 1 })).ok).toBe(true);
    const fleet = await data<{ devices: { nodes: Array<{ serial: string; params: Record<string, unknown> }> } }>(
      server.url,
      '{ devices { nodes { serial params } } }',
    );
    expect(fleet.devices.nodes).toEqual([{ serial: 's1', params: { fine: 1 } }]);
    d.ws.terminate();
  });

  it('a frame over the size limit closes with 1009; invalid UTF-8 with 1007', async () => {
    const big = await connectDevice(server.deviceUrl);
    big.send(updt('0001:s2', `{"x":"${'a'.repeat(70_000)}"}`));
    expect((await big.closed).code).toBe(CloseCode.messageTooBig);
    const bad = await connectDevice(server.deviceUrl);
    bad.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await bad.closed).code).toBe(CloseCode.invalidPayload);
  });
});
