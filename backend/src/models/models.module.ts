import { Global, Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { ACTIVE_CLASSIFIER } from '../workflow/ports';
import { WorkflowModule } from '../workflow/workflow.module';
import { ActiveModelService } from './active-model.service';
import { ModelsController } from './models.controller';
import { ModelsRepository } from './models.repository';
import { ModelsService } from './models.service';

/**
 * The offline model's registry and hot swap, in both roles. Global because the workflow's classify step reads
 * the active classifier through its port (ACTIVE_CLASSIFIER), as the route step reads the calibration's gate.
 */
@Global()
@Module({
  imports: [QueueModule, WorkflowModule],
  controllers: [ModelsController],
  providers: [
    ModelsRepository,
    ActiveModelService,
    ModelsService,
    { provide: ACTIVE_CLASSIFIER, useExisting: ActiveModelService },
  ],
  exports: [ModelsRepository, ActiveModelService, ModelsService, ACTIVE_CLASSIFIER],
})
export class ModelsModule {}
