import { describe, expect, it } from 'vitest';
import type { ErrorReason } from '../protocol/codes.ts';
import { formatAck, formatDeviceFrame, formatError, formatMsgId, parseAnswer, parseDeviceFrame } from '../protocol/frames.ts';

const frame = (type: string, message: unknown) => JSON.stringify({ type, message });

describe('parseDeviceFrame', () => {
  it('splits on the first two colons only: times in the body keep theirs', () => {
    const parsed = parseDeviceFrame(
      frame('UPDT', '0203:1234:{"_local_time": "2024-03-17 12:10:46.466660", "power_inject": 340}'),
    );
    expect(parsed).toEqual({
      ok: true,
      type: 'UPDT',
      head: '0203:1234',
      msgid: '0203',
      serial: '1234',
      values: [
        ['local_time', '2024-03-17 12:10:46.466660'],
        ['power_inject', 340],
      ],
    });
  });

  it('strips exactly one leading underscore', () => {
    const parsed = parseDeviceFrame(frame('INIT', '0000:0001:{"_battery": 250, "__private": 1, "capacity": 5}'));
    expect(parsed.ok && parsed.values).toEqual([
      ['battery', 250],
      ['_private', 1],
      ['capacity', 5],
    ]);
  });

  it('keeps one value per parameter when a body names it with and without the underscore', () => {
    const parsed = parseDeviceFrame(frame('INIT', '0000:0001:{"_battery": 250, "mode": 1, "battery": 251}'));
    expect(parsed.ok && parsed.values).toEqual([
      ['battery', 251],
      ['mode', 1],
    ]);
  });

  it('accepts an original INIT and leaves out transport internals and non-scalar values', () => {
    const body = {
      serial_number: '0001',
      solmate_version: 'v1',
      _software_version: 'v8.6',
      _local_time: null,
      server_url: 'ws://localhost:8000/update/',
      websocket: '',
      connected: true,
      publish: true,
      message_id: '0000',
      message_queue: {},
      tasks: '',
      meassuring: true,
      list: [1, 2],
    };
    const parsed = parseDeviceFrame(frame('INIT', `0000:0001:${JSON.stringify(body)}`));
    expect(parsed.ok && Object.fromEntries(parsed.values)).toEqual({
      solmate_version: 'v1',
      software_version: 'v8.6',
      local_time: null,
      meassuring: true,
    });
  });

  it('takes msgids past 9999 and serials of the extended alphabet', () => {
    const parsed = parseDeviceFrame(frame('UPDT', '10000:rpi-4b.garage_01:{"t": 1}'));
    expect(parsed.ok && [parsed.msgid, parsed.serial]).toEqual(['10000', 'rpi-4b.garage_01']);
  });

  const rejections: Array<[string, string, string | null, keyof typeof ErrorReason]> = [
    ['not JSON', '{"type": "UPDT", "message"', null, 'notJson'],
    ['not an object', '[1, 2]', null, 'notEnvelope'],
    ['message missing', '{"type": "UPDT"}', null, 'messageNotString'],
    ['message not a string', frame('UPDT', { a: 1 }), null, 'messageNotString'],
    ['no head', frame('UPDT', '{"a": 1}'), null, 'badHead'],
    ['short msgid', frame('UPDT', '12:0001:{}'), null, 'badMsgId'],
    ['letters in msgid', frame('UPDT', '00a1:0001:{}'), null, 'badMsgId'],
    ['msgid too long', frame('UPDT', `${'1'.repeat(21)}:0001:{}`), null, 'badMsgId'],
    ['empty serial', frame('UPDT', '0001::{}'), null, 'badSerial'],
    ['serial with a space', frame('UPDT', '0001:ab cd:{}'), null, 'badSerial'],
    ['serial too long', frame('UPDT', `0001:${'s'.repeat(65)}:{}`), null, 'badSerial'],
    ['FILT from a device', frame('FILT', '0001:0001:{}'), '0001:0001', 'unsupportedType'],
    ['INFO from a device', frame('INFO', '0001:0001:{}'), '0001:0001', 'unsupportedType'],
    ['body not JSON', frame('UPDT', "0001:0001:{'a': 1}"), '0001:0001', 'bodyNotJson'],
    ['body an array', frame('UPDT', '0001:0001:[1]'), '0001:0001', 'bodyNotObject'],
    ['body a number', frame('UPDT', '0001:0001:5'), '0001:0001', 'bodyNotObject'],
    ['name too long', frame('UPDT', `0001:0001:{"${'n'.repeat(65)}": 1}`), '0001:0001', 'badName'],
    ['name with a space', frame('UPDT', '0001:0001:{"my name": 1}'), '0001:0001', 'badName'],
    ['name only an underscore', frame('UPDT', '0001:0001:{"_": 1}'), '0001:0001', 'badName'],
    ['reserved name', frame('UPDT', '0001:0001:{"online": true}'), '0001:0001', 'reservedName'],
    ['infinite number', frame('UPDT', '0001:0001:{"x": 1e400}'), '0001:0001', 'notFinite'],
    ['string over 1 KiB', frame('UPDT', `0001:0001:{"x": "${'a'.repeat(1025)}"}`), '0001:0001', 'stringTooLong'],
    ['string over 1 KiB in UTF-8', frame('UPDT', `0001:0001:{"x": "${'é'.repeat(513)}"}`), '0001:0001', 'stringTooLong'],
  ];

  for (const [what, text, head, reason] of rejections) {
    it(`rejects ${what}`, () => {
      expect(parseDeviceFrame(text)).toEqual({ ok: false, head, reason });
    });
  }

  it('keeps a string of exactly 1 KiB, counted in UTF-8 bytes', () => {
    expect(parseDeviceFrame(frame('UPDT', `0001:0001:{"x": "${'a'.repeat(1024)}"}`)).ok).toBe(true);
    expect(parseDeviceFrame(frame('UPDT', `0001:0001:{"x": "${'é'.repeat(512)}"}`)).ok).toBe(true);
    expect(parseDeviceFrame(frame('UPDT', `0001:0001:{"x": "${'😀'.repeat(256)}"}`)).ok).toBe(true);
    expect(parseDeviceFrame(frame('UPDT', `0001:0001:{"x": "${'😀'.repeat(257)}"}`)).ok).toBe(false);
  });

  it('honours a configured string limit', () => {
    expect(parseDeviceFrame(frame('UPDT', '0001:0001:{"x": "abcdef"}'), { maxStringBytes: 5 })).toMatchObject({
      ok: false,
      reason: 'stringTooLong',
    });
  });
});

describe('answers and device frames', () => {
  it('formats the answers the original devices expect', () => {
    expect(JSON.parse(formatAck('0116:0001'))).toEqual({ type: 'INFO', message: '0116:0001:OK' });
    expect(JSON.parse(formatError('0116:0001', 'why'))).toEqual({ type: 'INFO', message: '0116:0001:ERROR', reason: 'why' });
    expect(JSON.parse(formatError(null, 'why'))).toEqual({ type: 'INFO', message: 'ERROR', reason: 'why' });
  });

  it('reads answers back', () => {
    expect(parseAnswer(formatAck('0116:0001'))).toEqual({ head: '0116:0001', ok: true, reason: undefined });
    expect(parseAnswer(formatError('0116:0001', 'x'))).toEqual({ head: '0116:0001', ok: false, reason: 'x' });
    expect(parseAnswer(formatError(null, 'x'))).toEqual({ head: null, ok: false, reason: 'x' });
    expect(parseAnswer('{"type":"INFO","message":"Welcome"}')).toBeNull();
  });

  it('pads msgids to four digits and lets them grow', () => {
    expect([0, 116, 9999, 10000].map(formatMsgId)).toEqual(['0000', '0116', '9999', '10000']);
  });

  it('writes frames the parser accepts unchanged', () => {
    const text = formatDeviceFrame('UPDT', 7, '0001', { battery: 12, local_time: '12:00:01', ok: true, none: null });
    const parsed = parseDeviceFrame(text);
    expect(parsed.ok && [parsed.head, Object.fromEntries(parsed.values)]).toEqual([
      '0007:0001',
      { battery: 12, local_time: '12:00:01', ok: true, none: null },
    ]);
  });
});
