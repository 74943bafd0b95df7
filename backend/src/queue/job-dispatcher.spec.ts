import 'reflect-metadata';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { AppConfig } from '../config/config.schema';
import type { JobTelemetry } from '../observability/job-telemetry.service';
import { JobDispatcher } from './job-dispatcher';
import { JOBS } from './jobs';
import { OnJob } from './on-job';

class Runs {
  @OnJob(JOBS.startRun)
  async start() {
    return 'started';
  }
  @OnJob(JOBS.resumeRun)
  async resume() {
    return 'resumed';
  }
}
class Delivery {
  @OnJob(JOBS.deliverReply)
  async deliver() {
    return 'sent';
  }
}
class SecondDelivery {
  @OnJob(JOBS.deliverReply)
  async deliverAgain() {
    return 'sent again';
  }
}

/** A dispatcher that discovers these provider instances, in a process without Slack. */
function dispatcherOver(...instances: object[]): JobDispatcher {
  const discovery = {
    getProviders: () => instances.map((instance) => ({ instance, isDependencyTreeStatic: () => true })),
  } as unknown as DiscoveryService;
  return new JobDispatcher(discovery, new MetadataScanner(), {} as JobTelemetry, {} as AppConfig);
}

describe('JobDispatcher at boot', () => {
  test('starts when every job of the running queues has one handler, the same instance counted once', () => {
    const runs = new Runs();
    assert.doesNotThrow(() => dispatcherOver(runs, runs, new Delivery()).onModuleInit());
  });
  test('refuses to start when a job has no handler', () => {
    assert.throws(
      () => dispatcherOver(new Runs()).onModuleInit(),
      /"reply\.deliver" on queue "delivery" has no handler/,
    );
  });
  test('refuses to start when a job has two handlers', () => {
    assert.throws(
      () => dispatcherOver(new Runs(), new Delivery(), new SecondDelivery()).onModuleInit(),
      /"reply\.deliver" has 2 handlers: Delivery\.deliver, SecondDelivery\.deliverAgain/,
    );
  });
});
