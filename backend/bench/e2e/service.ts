import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { RunControl } from './run-control';

const MAIN = join(__dirname, '../../src/main.js');
const STARTUP_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

/** A free loopback port, so the harness knows each process's address before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Any HTTP answer at all means the process is listening. */
async function answers(url: string, expectStatus?: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return expectStatus === undefined || response.status === expectStatus;
  } catch {
    return false;
  }
}

interface ServiceProcess {
  role: string;
  child: ChildProcess;
  logFile: string;
}

/**
 * The service as operators run it: `node backend/dist/src/main.js` in separate
 * processes (one API, K workers; or one APP_ROLE=all process), logs to files.
 */
export class ServiceCluster {
  readonly url: string;
  private readonly processes: ServiceProcess[] = [];
  private stopping = false;
  private crash?: Error;

  private constructor(
    private readonly apiPort: number,
    private readonly logDir: string,
  ) {
    this.url = `http://127.0.0.1:${apiPort}`;
  }

  /** Starts the processes and resolves once the API is ready and every worker is up. */
  static async start(
    env: Record<string, string>,
    workers: number,
    logDir: string,
    control: RunControl,
  ): Promise<ServiceCluster> {
    const cluster = new ServiceCluster(await freePort(), logDir);
    control.onCleanUp('stop the service processes', () => cluster.stop());
    const apiRole = workers === 0 ? 'all' : 'api';
    cluster.spawn(apiRole, { ...env, APP_ROLE: apiRole, PORT: String(cluster.apiPort) });
    const workerProbes: string[] = [];
    for (let index = 0; index < workers; index += 1) {
      // A worker has no API; its metrics port answering means it has booted.
      const metricsPort = await freePort();
      cluster.spawn(`worker-${index + 1}`, { ...env, APP_ROLE: 'worker', METRICS_PORT: String(metricsPort) });
      workerProbes.push(`http://127.0.0.1:${metricsPort}/metrics`);
    }
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    const ready = async (url: string, status?: number) => {
      await control.until(async () => {
        cluster.throwIfCrashed();
        if (Date.now() > deadline) throw new Error(`the service did not start within ${STARTUP_TIMEOUT_MS} ms`);
        return answers(url, status);
      }, 200);
    };
    await Promise.all([ready(`${cluster.url}/health/ready`, 200), ...workerProbes.map((url) => ready(url))]);
    return cluster;
  }

  private spawn(role: string, env: Record<string, string>): void {
    const logFile = join(this.logDir, `${role}.log`);
    const log = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--enable-source-maps', MAIN], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    child.once('exit', (code, signal) => {
      if (!this.stopping)
        this.crash ??= new Error(`service process ${role} exited (${signal ?? code}); see ${logFile}`);
    });
    this.processes.push({ role, child, logFile });
  }

  /** Throws when a service process died on its own: the figures would be meaningless. */
  throwIfCrashed(): void {
    if (this.crash) throw this.crash;
  }

  /** The last lines each process logged, for a failure report. */
  logTails(lines = 15): string {
    return this.processes
      .map(({ role, logFile }) => {
        const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
        return `--- ${role} (${logFile})\n${tail}`;
      })
      .join('\n');
  }

  /** SIGTERM (graceful shutdown), then SIGKILL whatever is still there after STOP_TIMEOUT_MS. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.processes.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
