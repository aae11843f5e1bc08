// Code tables of the device protocol: WebSocket close codes and the reasons of ERROR answers.
// Devices match on these names and numbers: never renumber a code or rename a reason, only add (texts may be clarified).

/** WebSocket close codes this protocol uses. */
export const CloseCode = {
  normal: 1000,
  /** Server shutting down, or the agent stopping. */
  goingAway: 1001,
  /** Invalid UTF-8 in a text frame. */
  invalidPayload: 1007,
  /** Flooding: more frames per second than the server allows. */
  policyViolation: 1008,
  /** A frame over the size limit. */
  messageTooBig: 1009,
  internalError: 1011,
  /** The same device connected again on another socket; the newer one wins. */
  replaced: 4001,
  /** No pong within the heartbeat interval. */
  heartbeatTimeout: 4002,
  /** The token this socket connected with was revoked, or an admin rejected the device. */
  credentialsRevoked: 4003,
} as const;

export type CloseCodeName = keyof typeof CloseCode;

/** Why a frame was answered ERROR: the `reason` key of the answer. */
export const ErrorReason = {
  notText: 'binary frames are not supported, send JSON text',
  notJson: 'frame is not valid JSON',
  notEnvelope: 'frame must be a JSON object with "type" and "message"',
  unsupportedType: 'unsupported frame type, expected INIT or UPDT (and on protocol v2 RSLT, CAPS, SUBS or UNSB)',
  messageNotString: 'message must be a string "<msgid>:<serial>:<json body>"',
  badHead: 'message must look like "<msgid>:<serial>:<json body>"',
  badMsgId: 'msgid must be 4 to 20 decimal digits',
  badSerial: 'serial must be 1 to 64 characters of A-Z a-z 0-9 . _ -, with at least one letter or digit',
  bodyNotJson: 'body is not valid JSON',
  bodyNotObject: 'body must be a JSON object',
  badName: 'parameter names must be 1 to 64 characters of A-Z a-z 0-9 . _ -',
  reservedName: 'parameter name is reserved (serial, online, lastSeen, createdAt)',
  notFinite: 'numbers must be finite',
  stringTooLong: 'string value longer than the limit',
  tooManyParameters: 'device has too many parameters',
  catalogueFull: 'the server knows too many parameter names to add another',
  tooManyDevices: 'the server has reached its device limit',
  unknownDevice: 'unknown device: this server does not register new devices',
  notAuthorized: 'the credentials of this connection do not allow writing for this serial',
  unauthorized: "this device connects with a credential: send its token or its owner's enrollment key",
  rejected: 'an admin rejected this device',
  shuttingDown: 'server is shutting down, send again after reconnecting',
  storageFailed: 'the update could not be stored, send it again',
  v2Only: 'RSLT, CAPS, SUBS and UNSB need protocol v2: connect with the WebSocket subprotocol smart-os.v2',
  badObservedAt: '"at" must be the observation time in milliseconds since the epoch (an integer)',
  observedTooOld: 'observed longer ago than the server keeps late values (OBSERVED_MAX_AGE_SECONDS)',
  unknownCommand: 'no command with this cmdid is waiting for a result from this device',
  initFirst: 'send INIT or UPDT for this serial before CAPS or SUBS',
  badStatus: 'status must be one of received, progress, succeeded, failed, rejected',
  badResult: 'error must be text of at most 1024 characters and percent a number from 0 to 100',
  resultTooLarge: 'result is larger than 16 KiB as JSON',
  badCapabilities:
    'CAPS must be {"commands": [{"name", "description"?, "args"? (a JSON Schema)}], "agent"?: {"name", "version"}} within its bounds',
  badSubscription:
    'SUBS must be {"where": [{"field", "op", "value"?}] (at most 50, as the devices query), "params"?: [names] (at most 256), "since"?: seq, "intervalMs"?: 100 to 60000}',
  notClaimed: "a device reads its owner's devices: this one has no owner (claim it with an enrollment key)",
} as const;

export type ErrorReasonName = keyof typeof ErrorReason;
