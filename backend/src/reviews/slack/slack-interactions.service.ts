import { Inject, Injectable, Logger } from '@nestjs/common';
import { App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { Reviewer, ReviewActionInput } from '@handoff/contracts';
import { ReviewersService } from '../../auth/reviewers.service';
import { ConflictError, DomainError } from '../../common/domain-errors';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config.schema';
import { ReviewsService } from '../reviews.service';
import { ReviewRepository } from '../review.repository';
import {
  decisionModal,
  INPUT_LIMIT,
  parseCategoryOption,
  SLACK_ACTIONS,
  SLACK_INPUT,
  SLACK_VIEWS,
} from './slack-blocks';
import { SlackClient } from '../../delivery/slack/slack-client.service';
import { SlackMessagesService } from './slack-messages.service';

const NOT_ALLOWED = 'You are not allowed to decide Handoff reviews. Ask an admin to link your Slack account.';

/** Bolt's receiver seam: Nest owns the HTTP server and hands each verified request to Bolt. */
class NestReceiver implements Receiver {
  app?: App;
  init(app: App): void {
    this.app = app;
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

export interface SlackResponse {
  status: number;
  body?: unknown;
}

/**
 * Slack buttons and modals, handled by Bolt. Every decision goes through
 * ReviewsService.decide, the same path as the web UI, so the first decision
 * wins whatever the surface.
 */
@Injectable()
export class SlackInteractionsService {
  private readonly logger = new Logger('SlackInteractions');
  private readonly receiver = new NestReceiver();
  private readonly app: App;

  constructor(
    private readonly reviews: ReviewsService,
    private readonly reviewTasks: ReviewRepository,
    private readonly reviewers: ReviewersService,
    private readonly slack: SlackClient,
    private readonly messages: SlackMessagesService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const botToken = config.SLACK_BOT_TOKEN!;
    this.app = new App({
      receiver: this.receiver,
      // Static authorisation: Bolt's token option would call auth.test to learn the bot's ids, so a click
      // during a Slack outage would fail before reaching our handler. We only handle interactivity,
      // which never comes from our own bot, so the self-filter that needs those ids is not needed.
      authorize: () => Promise.resolve({ botToken }),
      ignoreSelf: false,
      // Handlers call Slack through SlackClient; Bolt's own client only needs to point at the same API.
      clientOptions: { slackApiUrl: slack.web.slackApiUrl, retryConfig: { retries: 0 } },
    });
    this.app.error(async (error) => this.logger.warn(`Slack handler failed: ${error.message}`));
    this.registerButtons();
    this.registerModals();
  }

  /** Runs one verified request through Bolt; answers with what the handler acknowledged. */
  async dispatch(body: Record<string, unknown>): Promise<SlackResponse> {
    let response: SlackResponse = { status: 200 };
    const event: ReceiverEvent = {
      body,
      ack: async (reply?: unknown) => {
        response = { status: 200, body: reply };
      },
    };
    await this.receiver.app!.processEvent(event);
    return response;
  }

  private registerButtons(): void {
    // Slack reports clicks on link buttons too; there is nothing to do but acknowledge them.
    this.app.action(SLACK_ACTIONS.open, async ({ ack }) => ack());
    this.app.action(SLACK_ACTIONS.approve, async ({ ack, body, action }) => {
      await ack();
      const reviewId = (action as { value: string }).value;
      await this.decideAs(body.user.id, channelOf(body), reviewId, { action: 'approve' });
    });
    this.app.action(SLACK_ACTIONS.category, async ({ ack, body, action }) => {
      await ack();
      const choice = parseCategoryOption((action as { selected_option?: { value?: string } }).selected_option?.value);
      if (!choice) return;
      await this.decideAs(body.user.id, channelOf(body), choice.reviewId, {
        action: 'recategorise',
        category: choice.category,
      });
    });
    for (const kind of ['edit', 'reject', 'redraft'] as const) {
      this.app.action(SLACK_ACTIONS[kind], async ({ ack, body, action }) => {
        await ack();
        const reviewId = (action as { value: string }).value;
        const channel = channelOf(body);
        if (!(await this.reviewerFor(body.user.id)))
          return this.slack.postEphemeral(channel, body.user.id, NOT_ALLOWED);
        const task = await this.reviewTasks.find(reviewId);
        if (!task || task.status !== 'pending') return this.refuseDecided(channel, body.user.id, reviewId);
        if (kind === 'edit' && task.request.draft.length > INPUT_LIMIT) {
          return this.slack.postEphemeral(
            channel,
            body.user.id,
            'This draft is too long to edit in Slack; edit it in the review UI.',
          );
        }
        const triggerId = (body as { trigger_id: string }).trigger_id;
        await this.slack.openView(
          triggerId,
          decisionModal(kind, reviewId, channel, kind === 'edit' ? task.request.draft : ''),
        );
      });
    }
  }

  private registerModals(): void {
    const inputs = {
      edit: (text: string): ReviewActionInput => ({ action: 'edit', text }),
      reject: (reason: string): ReviewActionInput => ({ action: 'reject', reason }),
      redraft: (feedback: string): ReviewActionInput => ({ action: 'redraft', feedback }),
    };
    for (const kind of ['edit', 'reject', 'redraft'] as const) {
      this.app.view(SLACK_VIEWS[kind], async ({ ack, body, view }) => {
        const text = view.state.values[SLACK_INPUT.block]?.[SLACK_INPUT.action]?.value?.trim() ?? '';
        if (!text) {
          await ack({ response_action: 'errors', errors: { [SLACK_INPUT.block]: 'Write something first.' } });
          return;
        }
        await ack();
        const { reviewId, channel } = JSON.parse(view.private_metadata) as { reviewId: string; channel: string };
        await this.decideAs(body.user.id, channel, reviewId, inputs[kind](text));
      });
    }
  }

  private async decideAs(user: string, channel: string, reviewId: string, input: ReviewActionInput): Promise<void> {
    const reviewer = await this.reviewerFor(user);
    if (!reviewer) return this.slack.postEphemeral(channel, user, NOT_ALLOWED);
    try {
      if (input.action === 'recategorise') {
        await this.reviews.correctCategory(reviewId, input.category, reviewer.email, 'slack');
      } else {
        await this.reviews.decide(reviewId, input, reviewer.email, 'slack');
      }
    } catch (error) {
      if (error instanceof ConflictError) return this.refuseDecided(channel, user, reviewId);
      if (error instanceof DomainError) return this.slack.postEphemeral(channel, user, `Not done: ${error.message}`);
      throw error;
    }
    await this.messages.enqueueFor(reviewId);
  }

  private async refuseDecided(channel: string, user: string, reviewId: string): Promise<void> {
    const last = await this.reviewTasks.lastDecision(reviewId);
    const who = last ? ` by ${last.actor} (${last.action})` : '';
    await this.slack.postEphemeral(channel, user, `This review was already decided${who}.`);
    await this.messages.enqueueFor(reviewId);
  }

  /** The enabled reviewer an admin linked to this Slack user, else the one with the user's Slack email. */
  private async reviewerFor(slackUserId: string): Promise<Reviewer | null> {
    const linked = await this.reviewers.findBySlackUser(slackUserId);
    if (linked) return linked.disabled ? null : linked;
    const email = await this.slack.userEmail(slackUserId).catch((error: Error) => {
      this.logger.warn(`users.info for ${slackUserId} failed: ${error.message}`);
      return null;
    });
    const matched = email ? await this.reviewers.findByEmail(email) : null;
    // A reviewer linked to another Slack user is not matched by email.
    return matched && !matched.disabled && !matched.slackUserId ? matched : null;
  }
}

const channelOf = (body: unknown): string =>
  (body as { channel?: { id: string }; container?: { channel_id?: string } }).channel?.id ??
  (body as { container?: { channel_id?: string } }).container?.channel_id ??
  '';
