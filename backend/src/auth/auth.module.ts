import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { ReviewersController } from './reviewers.controller';
import { ReviewerRepository } from './reviewer.repository';
import { ReviewersService } from './reviewers.service';
import { SessionRepository } from './session.repository';
import { SessionWatchService } from './session-watch.service';
import { SessionsService } from './sessions.service';
import { SignInThrottle } from './sign-in-throttle';

@Global()
@Module({
  controllers: [AuthController, ReviewersController],
  providers: [
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
    SessionsService,
    ReviewersService,
    ReviewerRepository,
    SessionRepository,
    SessionWatchService,
    SignInThrottle,
  ],
  exports: [ReviewersService, SessionWatchService],
})
export class AuthModule {}
