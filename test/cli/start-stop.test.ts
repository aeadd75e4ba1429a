import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempConfig, type CliRun } from '../support/cli.js';

const ADMIN = 'dh_demo_admin_test_0123456789abcdef';
const D001 = 'dh_demo_D001_test_0123456789abcdef';

const DEMO_FILES = fileURLToPath(new URL('../../config/demo-data', import.meta.url));

function embeddedConfig(): { file: string; dir: string } {
  const { dir } = tempConfig('');
  return tempConfig(`
server: { port: 0, shutdownTimeoutMs: 10000 }
database: { dataDir: ${JSON.stringify(join(dir, 'data'))} }
log: { level: info }
connectors:
  demo-files:
    kind: file
    folder: ${JSON.stringify(DEMO_FILES)}
    streams: { dealers: { pattern: dealers.csv, entity: dealers } }
demo:
  enabled: true
  tokens: { admin: ${ADMIN}, dealers: { D001: ${D001} } }
`);
}

const EMBEDDED_ENV = { DATABASE_URL: '', REDIS_URL: '', PORT: '', HOST: '', DEALER_HUB_CONFIG: '' };

/** Starts a request whose body is still arriving: the server has it in flight until finish(). */
function slowTokenRequest(base: string) {
  const body = JSON.stringify({ dealer: 'D001', label: 'slow' });
  let resolveResponse: (value: { status: number; body: string }) => void;
  let rejectResponse: (error: Error) => void;
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    resolveResponse = resolve;
    rejectResponse = reject;
  });
  const req = request(`${base}/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  req.on('response', (res) => {
    let text = '';
    res.on('data', (chunk) => (text += chunk));
    res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: text }));
  });
  req.on('error', (error) => rejectResponse(error));
  req.write(body.slice(0, 10));
  return { response, finish: () => req.end(body.slice(10)) };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('dealer-hub start in embedded mode', () => {
  let run: CliRun | undefined;
  afterEach(() => {
    run?.child.kill('SIGKILL');
  });

  it('serves, refuses a second opener of its data folder, and drains an in-flight request on SIGTERM', async () => {
    const { file } = embeddedConfig();
    run = runCli(['start', '--config', file], EMBEDDED_ENV);
    const [, base] = await run.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    expect(run.output()).toContain(D001);

    const me = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${D001}` } });
    expect(await me.json()).toMatchObject({ kind: 'dealer', dealer: { code: 'D001' } });

    const second = runCli(['migrate', '--config', file], EMBEDDED_ENV);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/in use by process \d+/);

    const slow = slowTokenRequest(base!);
    await pause(300);
    run.child.kill('SIGTERM');
    await run.waitFor(/shutting down/);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    slow.finish();
    const finished = await slow.response;
    expect(finished.status).toBe(201);
    expect(JSON.parse(finished.body).token).toMatch(/^dh_D001_/);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('dealer-hub stopped');
  });

  it('exits at once on a second signal while draining', async () => {
    const { file } = embeddedConfig();
    run = runCli(['start', '--config', file], EMBEDDED_ENV);
    const [, base] = await run.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
    const slow = slowTokenRequest(base!);
    slow.response.catch(() => undefined);
    await pause(300);
    run.child.kill('SIGTERM');
    await run.waitFor(/shutting down/);
    const started = Date.now();
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.output()).toContain('second signal');
  });
});
