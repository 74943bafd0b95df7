import { DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema';
import { QueueModule } from '../../queue/queue.module';
import { ReviewsModule } from '../reviews.module';
import { SlackClient } from '../../delivery/slack/slack-client.service';
import { SlackMessageRepository } from './slack-message.repository';
import { SlackEventsController } from './slack-events.controller';
import { SlackInteractionsService } from './slack-interactions.service';
import { SlackMessagesService } from './slack-messages.service';

/**
 * Loaded only when Slack is configured. The API role takes Slack's requests,
 * the worker role makes the Web API calls from queue jobs. Global so the
 * sweeper (and later reminders) can inject SlackMessagesService optionally.
 */
@Global()
@Module({})
export class SlackModule {
  static register(config: AppConfig): DynamicModule {
    const api = config.APP_ROLE !== 'worker';
    const providers: Provider[] = [
      SlackClient,
      SlackMessageRepository,
      SlackMessagesService,
      ...(api ? [SlackInteractionsService] : []),
    ];
    return {
      module: SlackModule,
      imports: [QueueModule, ReviewsModule],
      controllers: api ? [SlackEventsController] : [],
      providers,
      exports: [SlackClient, SlackMessagesService],
    };
  }
}
