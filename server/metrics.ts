import client from 'prom-client';

/** Read at scrape time rather than kept up to date on the hot path. */
export interface MetricSources {
  fleet: { devices: { size: number }; onlineCount(): number };
  hub: { stats(): { updateSubscribers: number; changeSubscribers: number; views: number } };
  /** Set once alerts exist: firing alerts by severity (from the database: every instance tells the same). */
  alerts?: { firingBySeverity(): Promise<Record<string, number>> };
  /** Set once the IoT channel exists. */
  peers?: { stats(): { subscriptions: number; feeds: number; behind: number; maxBuffered: number } };
}

/** Everything /metrics shows; one registry per app so several apps can share a process (tests). */
export function createMetrics(sources: MetricSources) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'smartos_' });
  const reg = [registry];
  return {
    registry,
    connections: new client.Gauge({ name: 'smartos_device_connections', help: 'Open device sockets', registers: reg }),
    devices: new client.Gauge({
      name: 'smartos_devices',
      help: 'Devices known',
      registers: reg,
      collect() {
        this.set(sources.fleet.devices.size);
      },
    }),
    devicesOnline: new client.Gauge({
      name: 'smartos_devices_online',
      help: 'Devices online on any instance',
      registers: reg,
      collect() {
        this.set(sources.fleet.onlineCount());
      },
    }),
    frames: new client.Counter({ name: 'smartos_frames_received_total', help: 'Device frames received', registers: reg }),
    acks: new client.Counter({
      name: 'smartos_acks_total',
      help: 'Answers sent to devices, by result',
      labelNames: ['result'] as const,
      registers: reg,
    }),
    errors: new client.Counter({
      name: 'smartos_frame_errors_total',
      help: 'Frames answered ERROR, by reason',
      labelNames: ['reason'] as const,
      registers: reg,
    }),
    closes: new client.Counter({
      name: 'smartos_device_closes_total',
      help: 'Device sockets closed by the server, by reason',
      labelNames: ['reason'] as const,
      registers: reg,
    }),
    ackSeconds: new client.Histogram({
      name: 'smartos_ack_seconds',
      help: 'Frame received to OK sent (includes the group commit)',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: reg,
    }),
    commitFrames: new client.Histogram({
      name: 'smartos_commit_batch_frames',
      help: 'Frames per group commit',
      buckets: [1, 4, 16, 64, 256, 1024, 4096, 16384],
      registers: reg,
    }),
    commitSeconds: new client.Histogram({
      name: 'smartos_commit_seconds',
      help: 'Group commit latency',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: reg,
    }),
    subscribers: new client.Gauge({
      name: 'smartos_subscribers',
      help: 'GraphQL subscriptions, by kind (views: distinct deviceUpdates filters)',
      labelNames: ['kind'] as const,
      registers: reg,
      collect() {
        const s = sources.hub.stats();
        this.set({ kind: 'deviceUpdates' }, s.updateSubscribers);
        this.set({ kind: 'deviceChanged' }, s.changeSubscribers);
        this.set({ kind: 'views' }, s.views);
      },
    }),
    graphqlSockets: new client.Gauge({ name: 'smartos_graphql_sockets', help: 'Open graphql-ws sockets', registers: reg }),
    peerSubscriptions: new client.Gauge({
      name: 'smartos_peer_subscriptions',
      help: 'IoT channel: device subscriptions on this instance, their distinct feeds (scope and filter), and those waiting for their socket to drain',
      labelNames: ['kind'] as const,
      registers: reg,
      collect() {
        const s = sources.peers?.stats() ?? { subscriptions: 0, feeds: 0, behind: 0 };
        this.set({ kind: 'subscriptions' }, s.subscriptions);
        this.set({ kind: 'feeds' }, s.feeds);
        this.set({ kind: 'behind' }, s.behind);
      },
    }),
    peerBufferedMax: new client.Gauge({
      name: 'smartos_peer_buffered_bytes_max',
      help: 'IoT channel: unsent bytes on the fullest subscribing socket (bounded by PEER_MAX_BUFFERED_BYTES plus one batch)',
      registers: reg,
      collect() {
        this.set(sources.peers?.stats().maxBuffered ?? 0);
      },
    }),
    alertsFiring: new client.Gauge({
      name: 'smartos_alerts_firing',
      help: 'Alerts FIRING now, by the severity of their rule',
      labelNames: ['severity'] as const,
      registers: reg,
      async collect() {
        const counts = (await sources.alerts?.firingBySeverity().catch(() => null)) ?? {};
        for (const severity of ['INFO', 'WARNING', 'CRITICAL']) this.set({ severity }, counts[severity] ?? 0);
      },
    }),
    peerFrames: new client.Counter({ name: 'smartos_peer_frames_total', help: 'IoT channel: PEER frames sent', registers: reg }),
    peerSkipped: new client.Counter({
      name: 'smartos_peer_skipped_total',
      help: 'IoT channel: batches a slow device did not get (its changes wait, coalesced, for its socket to drain)',
      registers: reg,
    }),
    peerResumes: new client.Counter({
      name: 'smartos_peer_resumes_total',
      help: 'IoT channel: subscriptions with since, by what they got (changes, or a snapshot)',
      labelNames: ['result'] as const,
      registers: reg,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
