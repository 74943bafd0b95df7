import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import type { Readable } from 'node:stream';
import type { TestWorld } from './test-service';

const MAIN = join(__dirname, '../../src/main.js');
const ANNOUNCE_START = join(__dirname, 'announce-start.js');

const started = new Set<WorkerProcess>();
// A test that failed half-way leaves its workers running, and the file could never end: stop them.
after(() => {
  for (const worker of started) if (worker.running) worker.kill('SIGKILL');
});

/** A real worker process (`APP_ROLE=worker`) on the world's database and Redis prefix. */
export class WorkerProcess {
  private child?: ChildProcess;
  private mainLoading?: Promise<void>;
  exitCode: number | null = null;

  constructor(
    private readonly world: TestWorld,
    private readonly env: Record<string, string>,
  ) {}

  start(): void {
    this.exitCode = null;
    const logs = process.env.TEST_LOGS ? 'inherit' : 'ignore';
    const child = spawn(process.execPath, ['--require', ANNOUNCE_START, MAIN], {
      env: { PATH: process.env.PATH, ...this.world.env({ APP_ROLE: 'worker', ...this.env }) },
      stdio: ['ignore', logs, logs, 'pipe'],
    });
    this.mainLoading = once(child.stdio[3] as Readable, 'data').then(() => undefined);
    this.mainLoading.catch(() => undefined); // only a test that waits for it cares
    child.on('exit', (code, signal) => (this.exitCode = code ?? (signal ? 128 : 1)));
    this.child = child;
    started.add(this);
  }

  /**
   * Resolves once node is about to run main.js (announced by a preloaded script), whose first statements
   * handle SIGTERM: a signal before that meets node's default action, however the service handles it.
   */
  loadingMain(): Promise<void> {
    return this.mainLoading!;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.running ? this.child!.pid : undefined;
  }

  /** Whether this process owns the TCP connection whose local end is `port` (e.g. an SMTP server's peer). */
  ownsConnectionFrom(port: number): boolean {
    const pid = this.pid;
    const inodes = socketInodesWithLocalPort(port);
    if (!pid || inodes.size === 0) return false;
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => {
        try {
          return inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '');
        } catch {
          return false; // closed meanwhile
        }
      });
    } catch {
      return false; // the process is gone
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Resolves with the exit code once the process is gone. */
  async exited(timeoutMs = 30_000): Promise<number> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return this.exitCode ?? 0;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('worker did not exit in time')), timeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve(code ?? (signal ? 128 : 1));
      });
    });
  }
}

/** The inodes of this machine's TCP sockets whose local port is `port` (Linux /proc/net/tcp, tcp6). */
function socketInodesWithLocalPort(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const inode = fields[9];
      if (!inode || inode === '0') continue;
      if (parseInt(fields[1]!.split(':')[1]!, 16) === port) inodes.add(inode);
    }
  }
  return inodes;
}
