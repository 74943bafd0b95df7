import { z } from 'zod';
import { url } from './env';

export const DatabaseUrlSchema = url(['postgres', 'postgresql']).default('postgres://postgres@127.0.0.1:5432/handoff');

/** What every process needs: its role, where it listens, Postgres and Redis, logging. */
export const CoreConfig = {
  APP_ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: DatabaseUrlSchema,
  /** Connections in this process's pool for our tables (the checkpointer has its own, CHECKPOINT_POOL_SIZE). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).default(10),
  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('handoff'),
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** A request body not fully received by then is answered 408 and its connection closed. */
  BODY_READ_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /**
   * The proxies in front of the API whose X-Forwarded-For is believed, so limits see the real client address:
   * a hop count, or comma-separated addresses, subnets and Express names (`loopback`, `uniquelocal`). Unset:
   * none, and every request comes from its socket's address. Trusting every proxy (`true`) would let any
   * client name its own address.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .refine((value) => !/^(true|false)$/i.test(value), 'a hop count or a list of addresses, not true/false')
    .transform((value) => (/^\d+$/.test(value) ? Number(value) : value.split(',').map((part) => part.trim())))
    .optional(),
  /** How often the sweepers (lost jobs, review deadlines) run. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
};
