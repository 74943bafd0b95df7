import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { eventually } from './test-service';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether a process we did not start (dovecot daemonises) still exists. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A real IMAP server for one test file: Debian's dovecot with a generated config in a temp dir,
 * on 127.0.0.1 and a free port, passwd-file auth, maildir storage in the same dir.
 */
export class Dovecot {
  readonly user = 'support';
  readonly password = 'imap-password-0123';
  port = 0;
  private dir = '';

  get url(): string {
    return `imap://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'dovecot-'));
    // Dovecot's auth and mail processes run as other users and must reach the passwd file and maildir.
    chmodSync(this.dir, 0o755);
    this.port = await freePort();
    // Dovecot refuses mail access as root; run mail as nobody when the tests run as root.
    const root = userInfo().uid === 0;
    const uid = root ? Number(execFileSync('id', ['-u', 'nobody']).toString()) : userInfo().uid;
    const gid = root ? Number(execFileSync('id', ['-g', 'nobody']).toString()) : userInfo().gid;
    const home = join(this.dir, 'mail');
    mkdirSync(home);
    if (root) chownSync(home, uid, gid);
    writeFileSync(join(this.dir, 'passwd'), `${this.user}:{PLAIN}${this.password}:${uid}:${gid}::${home}\n`);
    writeFileSync(
      join(this.dir, 'dovecot.conf'),
      [
        'protocols = imap',
        'listen = 127.0.0.1',
        `base_dir = ${this.dir}/run`,
        `state_dir = ${this.dir}/state`,
        `log_path = ${this.dir}/dovecot.log`,
        'ssl = no',
        'disable_plaintext_auth = no',
        'auth_mechanisms = plain login',
        'mail_location = maildir:~/Maildir',
        'first_valid_uid = 1',
        ...(root
          ? []
          : [`default_internal_user = ${userInfo().username}`, `default_login_user = ${userInfo().username}`]),
        `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${this.dir}/passwd\n}`,
        `userdb {\n  driver = passwd-file\n  args = username_format=%u ${this.dir}/passwd\n}`,
        `service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = ${this.port}\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}`,
        'service pop3-login {\n  inet_listener pop3 {\n    port = 0\n  }\n}',
      ].join('\n'),
    );
    mkdirSync(join(this.dir, 'state'));
    // dovecot daemonises; with inherited pipes execFileSync would wait for them to close.
    execFileSync('dovecot', ['-c', this.config], { stdio: 'ignore' });
  }

  private get config(): string {
    return join(this.dir, 'dovecot.conf');
  }

  /** Drops every session of the user without a goodbye, as a NAT timeout or server restart would. */
  kick(): void {
    execFileSync('doveadm', ['-c', this.config, 'kick', this.user], { stdio: 'ignore' });
  }

  async stop(): Promise<void> {
    if (!this.dir) return;
    try {
      const pid = Number(readFileSync(join(this.dir, 'run', 'master.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM');
      await eventually(async () => (isRunning(pid) ? undefined : true), 'dovecot to exit');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
