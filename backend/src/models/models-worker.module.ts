import { Module } from '@nestjs/common';
import { DeliveryWorkerModule } from '../delivery/delivery-worker.module';
import { QueueModule } from '../queue/queue.module';
import { WorkflowModule } from '../workflow/workflow.module';
import { ModelsNotifier } from './models-notifier.service';
import { ModelsModule } from './models.module';
import { ModelsScheduler } from './models-scheduler';
import { RetrainPipeline } from './retrain-pipeline.service';

/** Worker role: the retraining pipeline's stage jobs, its schedule, and the outcome notices. */
@Module({
  imports: [ModelsModule, WorkflowModule, DeliveryWorkerModule, QueueModule],
  providers: [RetrainPipeline, ModelsNotifier, ModelsScheduler],
})
export class ModelsWorkerModule {}
