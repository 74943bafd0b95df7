import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bullmq';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseHealth } from '../database/database-health';
import type { AppConfig } from '../config/config.schema';
import { llmStatus, smtpStatus } from '../observability/reachability';
import { QUEUES } from '../queue/jobs';

const CHECK_TIMEOUT_MS = 2_000;

async function check(probe: () => Promise<unknown>): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(reject, CHECK_TIMEOUT_MS)))]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    @InjectQueue(QUEUES.workflow) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Postgres and Redis answer, else 503; SMTP and LLM reachability reported, not required' })
  async ready(@Res({ passthrough: true }) response: Response) {
    const [postgres, redis, smtp, llm] = await Promise.all([
      check(() => this.database.ping()),
      check(() => this.queue.getJobCounts('active')),
      smtpStatus(this.config),
      llmStatus(this.config),
    ]);
    const ready = postgres === 'up' && redis === 'up';
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    // A mail server or model outage delays replies but must not take the API out of rotation.
    return { status: ready ? 'ok' : 'unavailable', checks: { postgres, redis }, info: { smtp, llm } };
  }
}
