import { Module } from '@nestjs/common';
import { CheckpointRetentionService } from './checkpoint-retention.service';

/** Periodic pruning of data we no longer need; loaded with the worker role. */
@Module({ providers: [CheckpointRetentionService], exports: [CheckpointRetentionService] })
export class RetentionModule {}
