import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AssignInputSchema,
  CategoryCorrectionInputSchema,
  DecisionInputSchema,
  QueueQuerySchema,
  SaveReplyAsArticleInputSchema,
} from '@handoff/contracts';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { SessionWatchService } from '../auth/session-watch.service';
import { parseOrBadRequest } from '../common/validation';
import { openEventStream } from '../common/sse';
import { ReviewArticlesService } from './review-articles.service';
import { ReviewClaimsService } from './review-claims.service';
import { ReviewQueueRepository } from './review-queue.repository';
import { ReviewRecordsService } from './review-records.service';
import { ReviewStreamService } from './review-stream.service';
import { ReviewsService } from './reviews.service';

const ReviewId = () => new ParseUUIDPipe({ version: '4' });

@ApiTags('reviews')
@ApiBearerAuth()
@Controller('api/v1/reviews')
export class ReviewsController {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly queue: ReviewQueueRepository,
    private readonly records: ReviewRecordsService,
    private readonly claims: ReviewClaimsService,
    private readonly stream: ReviewStreamService,
    private readonly sessionWatch: SessionWatchService,
    private readonly articles: ReviewArticlesService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'The queue: status, sort=due|age|confidence, order, category, channel, assignee, q, escalated, limit, cursor',
  })
  list(@Query() query: unknown) {
    return this.queue.list(parseOrBadRequest(QueueQuerySchema, query, 'query'));
  }

  // Declared before :id so "stream" is not taken for an id.
  @Get('stream')
  @ApiOperation({
    summary:
      'Server-sent events: review.opened, review.decided, review.claimed, review.released, review.reminder, review.overdue',
  })
  events(@Req() request: Request, @Res() response: Response, @CurrentPrincipal() principal: Principal): void {
    const stops: (() => void)[] = [];
    const stream = openEventStream(request, response, () => stops.forEach((stop) => stop()));
    stops.push(
      this.stream.subscribe({ event: (event) => stream.send(event.type, event), close: stream.end }),
      // A stream opened by a session ends with it (sign-out, account disabled, expiry).
      this.sessionWatch.watch(request, principal, stream.end),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One review: the message, classification, draft, confidence, claim, decisions, reply' })
  get(@Param('id', ReviewId()) id: string) {
    return this.records.get(id);
  }

  @Get(':id/audit')
  @ApiOperation({ summary: "The review's audit trail with its event, run and reply, oldest first" })
  audit(@Param('id', ReviewId()) id: string) {
    return this.records.audit(id);
  }

  @Post(':id/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Claim (or extend your claim on) a pending review; 409 when someone else holds it' })
  claim(@Param('id', ReviewId()) id: string, @CurrentPrincipal() principal: Principal) {
    return this.claims.claim(id, principal);
  }

  @Delete(':id/claim')
  @ApiOperation({ summary: 'Release a claim (yours, or anyone’s as admin)' })
  release(@Param('id', ReviewId()) id: string, @CurrentPrincipal() principal: Principal) {
    return this.claims.release(id, principal);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Admin: give the claim to another reviewer {reviewerId}' })
  assign(@Param('id', ReviewId()) id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return this.claims.assign(id, parseOrBadRequest(AssignInputSchema, body).reviewerId, principal);
  }

  @Post(':id/decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Decide: {action: approve|edit|reject|redraft, text?, reason?, feedback?}; 409 if already decided',
  })
  decide(@Param('id', ReviewId()) id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const surface = principal.kind === 'session' ? 'web' : 'api';
    return this.reviews.decide(id, parseOrBadRequest(DecisionInputSchema, body), principal.email, surface);
  }

  @Post(':id/category')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Correct the category {category}: audited and labelled; the reply is redrafted for it (not counted as a redraft) and the review reopens with the new draft; 409 if already decided',
  })
  correctCategory(
    @Param('id', ReviewId()) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const surface = principal.kind === 'session' ? 'web' : 'api';
    const { category } = parseOrBadRequest(CategoryCorrectionInputSchema, body);
    return this.reviews.correctCategory(id, category, principal.email, surface);
  }

  @Post(':id/save-as-article')
  @ApiOperation({
    summary:
      'Save the approved or edited reply as a knowledge article {title, tags?}: admin or the approving reviewer; 409 unless approved/edited or when saved before',
  })
  saveAsArticle(@Param('id', ReviewId()) id: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return this.articles.save(id, parseOrBadRequest(SaveReplyAsArticleInputSchema, body), principal);
  }
}
