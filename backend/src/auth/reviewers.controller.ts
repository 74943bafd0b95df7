import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateReviewerInputSchema,
  LinkSlackUserInputSchema,
  ResetPasswordInputSchema,
  UpdateReviewerInputSchema,
} from '@handoff/contracts';
import { parseOrBadRequest } from '../common/validation';
import { CurrentPrincipal, type Principal } from './principal';
import { ReviewersService } from './reviewers.service';
import { Roles } from './roles.decorator';

@ApiTags('reviewers')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/reviewers')
export class ReviewersController {
  constructor(private readonly reviewers: ReviewersService) {}

  @Get()
  @ApiOperation({ summary: 'Every reviewer account (admin)' })
  async list() {
    return { items: await this.reviewers.list() };
  }

  @Post()
  @ApiOperation({ summary: 'Create a reviewer or admin account (admin); 409 when the email is taken' })
  create(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    return this.reviewers.create(parseOrBadRequest(CreateReviewerInputSchema, body), principal.email);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Disable or enable an account, or change its role (admin)' })
  update(
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.reviewers.update(id, parseOrBadRequest(UpdateReviewerInputSchema, body), principal.email);
  }

  @Post(':id/password')
  @HttpCode(204)
  @ApiOperation({ summary: "Set a reviewer's password (admin); ends every session of theirs and lifts a sign-in lock" })
  async resetPassword(
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    const { password } = parseOrBadRequest(ResetPasswordInputSchema, body);
    await this.reviewers.resetPassword(id, password, principal.email);
  }

  @Put(':id/slack-user')
  @ApiOperation({ summary: 'Link a Slack user id to a reviewer, or null to unlink (admin); 409 when taken' })
  linkSlackUser(
    @Param('id', new ParseUUIDPipe({ version: '4' })) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    const { slackUserId } = parseOrBadRequest(LinkSlackUserInputSchema, body);
    return this.reviewers.linkSlackUser(id, slackUserId, principal.email);
  }
}
