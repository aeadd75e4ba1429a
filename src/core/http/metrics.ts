import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface JobOutcome {
  name: string;
  outcome: 'completed' | 'retrying' | 'failed';
  durationMs: number;
}

/** One registry per daemon instance (tests build several servers in one process). */
export interface Metrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  observeJob(event: JobOutcome): void;
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
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      requests.observe({ method, route, status: String(status) }, seconds);
    },
    observeJob(event) {
      jobs.inc({ name: event.name, outcome: event.outcome });
      jobDuration.observe({ name: event.name }, event.durationMs / 1000);
    },
  };
}
