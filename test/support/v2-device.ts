import { WebSocket } from 'ws';
import { type Answer, parseAnswer } from '../../protocol/frames.ts';
import { type PeerFrame, parsePeer } from '../../protocol/peers.ts';
import { type CommandFrame, parseCommand, V2_SUBPROTOCOL } from '../../protocol/v2.ts';

/** A protocol v2 device for tests: answers and commands are kept apart, each awaitable. */
export class V2TestDevice {
  readonly ws: WebSocket;
  readonly commands: CommandFrame[] = [];
  /** Every PEER frame received, with when it arrived (performance.now()). */
  readonly peers: Array<PeerFrame & { arrived: number }> = [];
  /** Every text frame received after the welcome, in order. */
  readonly texts: string[] = [];
  private readonly answers: Answer[] = [];
  private answerWaiters: Array<(a: Answer) => void> = [];
  private commandWaiters: Array<(c: CommandFrame) => void> = [];
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, [V2_SUBPROTOCOL], { headers });
    let welcomed = false;
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('error', reject);
      this.ws.on('message', (m) => {
        const text = m.toString();
        if (!welcomed) {
          welcomed = true;
          resolve();
          return;
        }
        this.texts.push(text);
        const peer = parsePeer(text);
        if (peer) {
          this.peers.push({ ...peer, arrived: performance.now() });
          return;
        }
        const command = parseCommand(text);
        if (command) {
          const w = this.commandWaiters.shift();
          if (w) w(command);
          else this.commands.push(command);
          return;
        }
        const answer = parseAnswer(text);
        if (!answer) return;
        const w = this.answerWaiters.shift();
        if (w) w(answer);
        else this.answers.push(answer);
      });
    });
  }

  static async connect(url: string, headers?: Record<string, string>): Promise<V2TestDevice> {
    const d = new V2TestDevice(url, headers);
    await d.opened;
    return d;
  }

  request(text: string): Promise<Answer> {
    this.ws.send(text);
    const queued = this.answers.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
      this.answerWaiters.push((a) => {
        clearTimeout(timer);
        resolve(a);
      });
    });
  }

  /** The devices a subscriber knows after applying every PEER frame so far (snapshots replace, `left` forgets). */
  peerMap(): Map<string, Record<string, unknown>> {
    const map = new Map<string, Record<string, unknown>>();
    let next: Map<string, Record<string, unknown>> | null = null;
    for (const { body } of this.peers) {
      if (body.snapshot) next ??= new Map();
      const target = next ?? map;
      for (const [serial, entry] of Object.entries(body.devices)) target.set(serial, { ...target.get(serial), ...entry });
      for (const serial of body.left) target.delete(serial);
      if (next && !body.more) {
        map.clear();
        for (const [k, v] of next) map.set(k, v);
        next = null;
      }
    }
    return map;
  }

  nextCommand(timeoutMs = 5000): Promise<CommandFrame> {
    const queued = this.commands.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no command within ${timeoutMs} ms`)), timeoutMs);
      this.commandWaiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }
}
