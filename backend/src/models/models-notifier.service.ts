import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { MailerService } from '../delivery/mailer.service';
import { SlackClient } from '../delivery/slack/slack-client.service';
import { escapeHtml, modelReport } from './model-report';
import type { ModelRow } from './models.repository';
import { toModelVersion } from './models.service';

/**
 * Tells admins how a pipeline ended (promoted, rejected, failed) with its numbers: by email (MODEL_NOTIFY_EMAILS,
 * else ADMIN_EMAIL) and in Slack (MODEL_NOTIFY_SLACK_CHANNEL). A notice that cannot go out is logged, never
 * retried into a second pipeline outcome.
 */
@Injectable()
export class ModelsNotifier {
  private readonly logger = new Logger('ModelsNotifier');

  constructor(
    private readonly mailer: MailerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly slack?: SlackClient,
  ) {}

  async tell(row: ModelRow): Promise<void> {
    const report = modelReport(toModelVersion(row), this.config.PUBLIC_UI_URL);
    const to = this.config.MODEL_NOTIFY_EMAILS.length
      ? this.config.MODEL_NOTIFY_EMAILS
      : this.config.ADMIN_EMAIL
        ? [this.config.ADMIN_EMAIL]
        : [];
    if (to.length) {
      await this.mailer
        .sendReport({ to, subject: report.subject, text: report.text, html: `<pre>${escapeHtml(report.text)}</pre>` })
        .catch((error: Error) => this.logger.warn(`model report email failed: ${error.message}`));
    }
    const channel = this.config.MODEL_NOTIFY_SLACK_CHANNEL;
    if (channel && this.slack) {
      await this.slack
        .postText(channel, `*${report.subject}*\n\`\`\`${report.text}\`\`\``)
        .catch((error: Error) => this.logger.warn(`model report Slack post failed: ${error.message}`));
    }
  }
}
