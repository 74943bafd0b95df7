import { Controller, Get, NotFoundException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import type { CapturedMail } from './mail-catcher';
import { MailerService } from './mailer.service';

/** Lists what the development mail catcher received. 404 when a real SMTP server is configured. */
@ApiTags('dev')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/dev/mail')
export class DevMailController {
  constructor(private readonly mailer: MailerService) {}

  @Get()
  @ApiOperation({ summary: 'Messages captured by the development mail catcher (only when SMTP_URL is unset)' })
  list(): { items: Omit<CapturedMail, 'raw'>[] } {
    if (!this.mailer.catcher)
      throw new NotFoundException('the development mail catcher is off because SMTP_URL is set');
    return { items: this.mailer.catcher.list().map(({ raw: _raw, ...mail }) => mail) };
  }
}
