import { Global, Module } from '@nestjs/common';
import { AUTO_SEND_GATE } from '../workflow/ports';
import { CalibrationController } from './calibration.controller';
import { CalibrationRepository } from './calibration.repository';
import { CalibrationService } from './calibration.service';

/**
 * Labels, the learned auto-send gate and audit sampling. Global because reviews write labels
 * in their decision transaction and the workflow's route step consults the gate (its port).
 */
@Global()
@Module({
  controllers: [CalibrationController],
  providers: [CalibrationRepository, CalibrationService, { provide: AUTO_SEND_GATE, useExisting: CalibrationService }],
  exports: [CalibrationService, AUTO_SEND_GATE],
})
export class CalibrationModule {}
