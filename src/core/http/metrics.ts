import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface JobOutcome {
  name: string;
  outcome: 'completed' | 'retrying' | 'failed';
  durationMs: number;
}

export interface DeliveryOutcome {
  target: string;
  event: string;
  outcome: 'delivered' | 'retry' | 'dead' | 'rejected';
}

/** The outbox as the backlog gauges show it, read at scrape time. */
export interface OutboxSnapshot {
  /** Rows not delivered, by target and status (pending, in_flight, dead, rejected). */
  backlog: Array<{ target: string; status: string; rows: number }>;
  /** Per target: seconds since the oldest pending or in-flight row was written. */
  oldestDueAgeSeconds: Array<{ target: string; seconds: number }>;
}

/** One registry per daemon instance (tests build several servers in one process). */
export interface Metrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  observeJob(event: JobOutcome): void;
  observeDelivery(event: DeliveryOutcome): void;
  /** Registers the outbox gauges; `read` runs once per scrape (the store is the source of truth, not this process). */
  watchOutbox(read: () => Promise<OutboxSnapshot>): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dealer_hub_' });
  const requests = new Histogram({
    name: 'dealer_hub_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobs = new Counter({
    name: 'dealer_hub_jobs_total',
    help: 'Job attempts by job name and outcome (completed, retrying, failed)',
    labelNames: ['name', 'outcome'],
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'dealer_hub_job_duration_seconds',
    help: 'Job attempt duration by job name',
    labelNames: ['name'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'dealer_hub_outbox_deliveries_total',
    help: 'Outbox rows delivered by this process (created, found already there, cancelled, or nothing to send), by target and event',
    labelNames: ['target', 'event'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'dealer_hub_outbox_delivery_failures_total',
    help: 'Failed delivery attempts by this process, by target, event and result (retry: tried again later; dead: no attempts left; rejected: the target said no)',
    labelNames: ['target', 'event', 'result'],
    registers: [registry],
  });
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
    observeJob(event) {
      jobs.inc({ name: event.name, outcome: event.outcome });
      jobDuration.observe({ name: event.name }, event.durationMs / 1000);
    },
    observeDelivery({ target, event, outcome }) {
      if (outcome === 'delivered') deliveries.inc({ target, event });
      else failures.inc({ target, event, result: outcome });
    },
    watchOutbox(read) {
      // Both gauges come from one read per scrape.
      let pending: Promise<OutboxSnapshot> | undefined;
      const snapshot = () => {
        pending ??= read().finally(() => setTimeout(() => (pending = undefined), 500).unref());
        return pending;
      };
      new Gauge({
        name: 'dealer_hub_outbox_backlog',
        help: 'Outbox rows not delivered, by target and status (pending, in_flight, dead, rejected); the same in every replica (read from the store)',
        labelNames: ['target', 'status'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const row of (await snapshot()).backlog) this.set({ target: row.target, status: row.status }, row.rows);
        },
      });
      new Gauge({
        name: 'dealer_hub_outbox_oldest_due_age_seconds',
        help: 'Age of the oldest outbox row still to deliver (pending or in flight), per target; 0 when none',
        labelNames: ['target'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const row of (await snapshot()).oldestDueAgeSeconds) this.set({ target: row.target }, row.seconds);
        },
      });
    },
  };
}
