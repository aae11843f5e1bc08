import { join } from 'node:path';
import { createStream } from 'rotating-file-stream';

/** The seed's traffic log: every device frame, the newest bytes kept. */
export interface TrafficLog {
  frame(text: string): void;
  close(): Promise<void>;
}

const disabled: TrafficLog = { frame() {}, close: async () => {} };

const FLUSH_MS = 100;
/** When the disk falls this far behind, frames are left out of the log rather than held in memory. */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * Lines of `{"logged_at": ISO time, "frame": text}` (the shape of seed-traffic.jsonl, so a log can be
 * replayed) in `<dataDir>/log/traffic.jsonl`, rotated logrotate-style into `traffic.1.jsonl` at half the
 * budget: the two files hold the newest `maxBytes` (plus at most one chunk of an eighth of it). Lines are gathered into chunks, so thousands of frames
 * a second cost a few writes, and memory stays bounded if the disk is slow.
 */
export function openTrafficLog(
  dataDir: string,
  maxBytes: number,
  enabled: boolean,
  onDropped?: (lines: number) => void,
): TrafficLog {
  if (!enabled) return disabled;
  // In logrotate mode the generator gets the rotation index (1) for the old file, nothing for the current one.
  const stream = createStream((index) => (index ? `traffic.${String(index)}.jsonl` : 'traffic.jsonl'), {
    path: join(dataDir, 'log'),
    size: `${Math.max(1, Math.floor(maxBytes / 2048))}K`,
    rotate: 1,
  });
  stream.on('error', () => {}); // a full disk must not take the server down; frames are stored anyway
  // A chunk goes to one file whole: keep it small against the budget.
  const chunkBytes = Math.min(64 * 1024, Math.floor(maxBytes / 8));
  let lines: string[] = [];
  let bytes = 0;
  let dropped = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (lines.length === 0) return;
    if (stream.writableLength > MAX_BACKLOG_BYTES) {
      dropped += lines.length;
    } else {
      stream.write(lines.join(''));
      if (dropped > 0) onDropped?.(dropped);
      dropped = 0;
    }
    lines = [];
    bytes = 0;
  };
  return {
    frame(text) {
      const line = `{"logged_at":"${new Date().toISOString()}","frame":${JSON.stringify(text)}}\n`;
      lines.push(line);
      bytes += line.length;
      if (bytes >= chunkBytes) flush();
      else timer ??= setTimeout(flush, FLUSH_MS);
    },
    close() {
      flush();
      return new Promise((done) => stream.end(done));
    },
  };
}
