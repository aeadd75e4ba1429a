/**
 * The real things the fault harness breaks, each owned by the harness alone: a redis-server on a
 * free port (never the shared one), a database of its own on the PostgreSQL server (never the
 * shared test database), and dealer-hub daemons started as a user starts them (`dealer-hub start`
 * in child processes). Killing and restarting touches only these.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const ROOT = new URL('../../', import.meta.url).pathname;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined), or throws after timeoutMs. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await pause(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export interface OwnRedis {
  url: string;
  /** SIGKILL and start again on the same port and data folder (AOF fsynced always, so acknowledged writes survive). */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'dh-chaos-redis-'));
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], {
      stdio: 'ignore',
    });
    await until(`redis-server on ${port}`, async () => (await ping(port)) || undefined, 10_000, 50);
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 500) {
      await kill();
      await pause(downMs);
      await launch();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    probe.stdout.on('data', (chunk) => (out += chunk));
    probe.on('exit', () => resolve(out.trim() === 'PONG'));
  });
}

export interface OwnDatabase {
  name: string;
  url: string;
  /** Ends every connection to this database (and only this one); returns how many. */
  terminateConnections(): Promise<number>;
  drop(): Promise<void>;
}

/** A database of its own on the server `adminUrl` points at, named chaos_<random>. */
export async function createOwnDatabase(adminUrl: string, prefix = 'chaos'): Promise<OwnDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async terminateConnections() {
      const rows = await admin<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      return rows.filter((row) => row.ok).length;
    },
    async drop() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export interface Daemon {
  name: string;
  roles: string;
  port: number;
  url: string;
  starts: number;
  /** Exits the harness did not ask for (a crash), with the output tail before each. */
  crashes: Array<{ code: number | null; signal: string | null; tail: string }>;
  running(): boolean;
  output(): string;
  /** Starts it and waits until it says it runs (listening, or started without the api role). */
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface DaemonSpec {
  name: string;
  roles: string;
  configFile: string;
  env: Record<string, string>;
}

/** `dealer-hub start --roles …` from source (tsx), as test/support/cli.ts runs the CLI. */
export async function daemonProcess(spec: DaemonSpec): Promise<Daemon> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const killing = new WeakSet<ChildProcess>();
  let text = '';
  const keep = (chunk: Buffer) => {
    text += chunk.toString();
    // Only the tail matters for a failure report; the logs of a long run would fill memory.
    if (text.length > 400_000) text = text.slice(-200_000);
  };
  const daemon: Daemon = {
    name: spec.name,
    roles: spec.roles,
    port,
    url: `http://127.0.0.1:${port}`,
    starts: 0,
    crashes: [],
    running: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    output: () => text,
    async start() {
      const from = text.length;
      child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', spec.configFile, '--roles', spec.roles], {
        cwd: ROOT,
        env: { ...process.env, ...spec.env, PORT: String(port), HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      daemon.starts += 1;
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const started = child;
      started.once('exit', (code, signal) => {
        if (!killing.has(started)) daemon.crashes.push({ code, signal, tail: text.slice(-20_000) });
      });
      const outcome = await until(
        `${spec.name} to start`,
        async () => {
          if (started.exitCode !== null || started.signalCode !== null) return 'exited';
          return /dealer-hub listening on|dealer-hub started without the api role/.test(text.slice(from)) ? 'started' : undefined;
        },
        90_000,
        100,
      );
      if (outcome === 'exited') throw new Error(`${spec.name} exited with ${started.exitCode ?? started.signalCode}:\n${text.slice(from).slice(-4000)}`);
    },
    async kill(signal = 'SIGKILL') {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      killing.add(running);
      running.kill(signal);
      await exited;
    },
  };
  return daemon;
}

/** Writes a config file into a fresh temp folder; returns its path and a cleanup. */
export function writeConfig(yaml: string): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dh-chaos-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
