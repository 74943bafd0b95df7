import { connect } from 'node:net';
import type { AppConfig } from '../config/config.schema';

const REACH_TIMEOUT_MS = 1_500;

/** Whether a TCP connection to host:port opens within the timeout. */
export function tcpReachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: REACH_TIMEOUT_MS });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function hostAndPort(url: string, defaultPort: number): [string, number] {
  const parsed = new URL(url);
  return [parsed.hostname.replace(/^\[|\]$/g, ''), Number(parsed.port) || defaultPort];
}

/**
 * The SMTP server replies go to (the dev catcher when SMTP_URL is unset) accepts connections.
 * A catcher on a random port (DEV_MAIL_CATCHER_PORT=0) cannot be found from here: 'unknown'.
 */
export async function smtpStatus(config: AppConfig): Promise<'up' | 'down' | 'unknown'> {
  if (!config.SMTP_URL && config.DEV_MAIL_CATCHER_PORT === 0) return 'unknown';
  const [host, port] = config.SMTP_URL
    ? hostAndPort(config.SMTP_URL, config.SMTP_URL.startsWith('smtps:') ? 465 : 587)
    : ['127.0.0.1', config.DEV_MAIL_CATCHER_PORT];
  return (await tcpReachable(host, port)) ? 'up' : 'down';
}

/** `local` needs no network; for openai, whether the endpoint's host accepts connections (no tokens spent). */
export async function llmStatus(config: AppConfig): Promise<'local' | 'up' | 'down'> {
  if (config.LLM_PROVIDER === 'local') return 'local';
  const base = config.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  const [host, port] = hostAndPort(base, base.startsWith('https:') ? 443 : 80);
  return (await tcpReachable(host, port)) ? 'up' : 'down';
}
