import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  UnauthenticatedError,
} from '../common/domain-errors';
import type { Reviewer, Role } from '@handoff/contracts';
import { AuditRepository } from '../audit/audit.repository';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import type { ReviewerEntity } from './reviewer.entity';
import { ReviewerRepository } from './reviewer.repository';
import { SessionRepository } from './session.repository';
import { tokenHash } from './sessions.service';
import { SignInThrottle, type Admission } from './sign-in-throttle';

export interface NewReviewer {
  email: string;
  name: string;
  password: string;
  role: Role;
}

/** The audit entity id of a failed check against an email no account has (audit entries need a uuid). */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

/** What the password was being checked for; both count towards the same throttle. */
type PasswordCheck = 'sign_in' | 'password_change';

const toReviewer = (entity: ReviewerEntity): Reviewer => ({
  id: entity.id,
  email: entity.email,
  name: entity.name,
  role: entity.role,
  disabled: entity.disabledAt !== null,
  slackUserId: entity.slackUserId,
  createdAt: entity.createdAt.toISOString(),
});

/** Reviewer accounts: sign-in checks, admin management, and the first admin from the environment. */
@Injectable()
export class ReviewersService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Reviewers');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly reviewers: ReviewerRepository,
    private readonly sessions: SessionRepository,
    private readonly audit: AuditRepository,
    private readonly throttle: SignInThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the ADMIN_EMAIL account when there is no admin yet; safe when several processes start at once. */
  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password) return;
    const created = await this.reviewers.addFirstAdmin(randomUUID(), email, await hashPassword(password));
    if (created) this.logger.log(`created the first admin account ${email}`);
  }

  /**
   * The enabled account with these credentials; 401 otherwise, the same whichever part was wrong;
   * 429 while the account or the client address is locked after too many failures.
   */
  async authenticate(email: string, password: string, clientAddress: string): Promise<Reviewer> {
    const reviewer = await this.checkPassword(email, password, clientAddress, 'sign_in');
    if (!reviewer) throw new UnauthenticatedError('wrong email or password');
    return toReviewer(reviewer);
  }

  /** A signed-in reviewer's own change: needs the current password, and ends every other session of theirs. */
  async changePassword(
    id: string,
    passwords: { currentPassword: string; newPassword: string },
    clientAddress: string,
    keptSessionToken: string,
  ): Promise<void> {
    const account = await this.reviewers.find(id);
    if (!account) throw new NotFoundError(`reviewer ${id} not found`);
    const checked = await this.checkPassword(
      account.email,
      passwords.currentPassword,
      clientAddress,
      'password_change',
    );
    if (!checked) throw new ForbiddenError('the current password is wrong');
    const passwordHash = await hashPassword(passwords.newPassword);
    await this.uow.run(async (tx) => {
      await this.reviewers.update(tx, id, { passwordHash });
      await this.sessions.endAllOf(tx, id, tokenHash(keptSessionToken));
      await this.audit.record(tx, {
        actor: account.email,
        action: 'reviewer.password_changed',
        entityType: 'reviewer',
        entityId: id,
        data: { clientAddress },
      });
    });
  }

  /** An admin sets a reviewer's password: every session of theirs ends, and a sign-in lock on the account lifts. */
  async resetPassword(id: string, password: string, actor: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    const email = await this.uow.run(async (tx) => {
      const target = await this.reviewers.find(id, tx);
      if (!target) throw new NotFoundError(`reviewer ${id} not found`);
      await this.reviewers.update(tx, id, { passwordHash });
      await this.sessions.endAllOf(tx, id);
      await this.audit.record(tx, { actor, action: 'reviewer.password_reset', entityType: 'reviewer', entityId: id });
      return target.email;
    });
    await this.throttle.unlockAccount(email);
  }

  /**
   * The enabled account whose password this is, or null (the failure logged and audited with the account as typed
   * and the client address, never the password). Throttled per account and per client address.
   */
  private async checkPassword(
    email: string,
    password: string,
    clientAddress: string,
    purpose: PasswordCheck,
  ): Promise<ReviewerEntity | null> {
    const admission = await this.throttle.admit(email, clientAddress);
    if (!admission.admitted) {
      if (admission.newlyLocked.length > 0) await this.recordLock(email, clientAddress, admission);
      throw new TooManyRequestsError(
        `too many failed password attempts; try again in ${admission.retryAfterSeconds} seconds`,
        admission.retryAfterSeconds,
      );
    }
    let reviewer: ReviewerEntity | null;
    let valid: boolean;
    try {
      reviewer = await this.reviewers.findByEmail(email);
      valid = await verifyPassword(password, reviewer?.passwordHash ?? (await DUMMY_HASH));
    } catch (error) {
      await this.throttle.refund(admission.attempt);
      throw error;
    }
    if (reviewer && valid && !reviewer.disabledAt) {
      await this.throttle.succeeded(admission.attempt);
      return reviewer;
    }
    const reason = !reviewer ? 'unknown_account' : !valid ? 'wrong_password' : 'account_disabled';
    this.logger.warn(`${purpose} failed for ${email} from ${clientAddress}: ${reason}`);
    await this.uow.run((tx) =>
      this.audit.record(tx, {
        actor: email,
        action: `auth.${purpose}_failed`,
        entityType: 'reviewer',
        entityId: reviewer?.id ?? NO_ACCOUNT,
        data: { email, clientAddress, reason },
      }),
    );
    return null;
  }

  private async recordLock(
    email: string,
    clientAddress: string,
    refusal: Extract<Admission, { admitted: false }>,
  ): Promise<void> {
    const reviewer = await this.reviewers.findByEmail(email);
    this.logger.warn(
      `sign-in locked for ${refusal.retryAfterSeconds} s (${refusal.newlyLocked.join(', ')}): ${email} from ${clientAddress}`,
    );
    await this.uow.run((tx) =>
      this.audit.record(tx, {
        actor: email,
        action: 'auth.sign_in_locked',
        entityType: 'reviewer',
        entityId: reviewer?.id ?? NO_ACCOUNT,
        data: { email, clientAddress, scopes: refusal.newlyLocked, lockSeconds: refusal.retryAfterSeconds },
      }),
    );
  }

  async get(id: string): Promise<Reviewer> {
    const reviewer = await this.reviewers.find(id);
    if (!reviewer) throw new NotFoundError(`reviewer ${id} not found`);
    return toReviewer(reviewer);
  }

  /** Whether this account exists and may sign in and decide. */
  async isEnabled(id: string, tx?: Tx): Promise<boolean> {
    const reviewer = await this.reviewers.find(id, tx);
    return !!reviewer && !reviewer.disabledAt;
  }

  async findBySlackUser(slackUserId: string): Promise<Reviewer | null> {
    const reviewer = await this.reviewers.findBySlackUser(slackUserId);
    return reviewer && toReviewer(reviewer);
  }

  async findByEmail(email: string): Promise<Reviewer | null> {
    const reviewer = await this.reviewers.findByEmail(email);
    return reviewer && toReviewer(reviewer);
  }

  async list(): Promise<Reviewer[]> {
    return (await this.reviewers.list()).map(toReviewer);
  }

  async create(input: NewReviewer, actor: string): Promise<Reviewer> {
    const id = randomUUID();
    const passwordHash = await hashPassword(input.password);
    await this.uow.run(async (tx) => {
      const added = await this.reviewers.addOnce(tx, {
        id,
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash,
      });
      if (!added) throw new ConflictError(`an account for ${input.email} exists already`);
      await this.audit.record(tx, {
        actor,
        action: 'reviewer.created',
        entityType: 'reviewer',
        entityId: id,
        data: { email: input.email, role: input.role },
      });
    });
    return this.get(id);
  }

  /** Changes role or enabled state; disabling ends the account's sessions at once. Keeps one enabled admin. */
  async update(id: string, changes: { disabled?: boolean; role?: Role }, actor: string): Promise<Reviewer> {
    await this.uow.run(async (tx) => {
      // Locking every admin row serialises concurrent demotions, so two cannot each leave the other as the last.
      const admins = await this.reviewers.lockEnabledAdmins(tx);
      const target = await this.reviewers.find(id, tx);
      if (!target) throw new NotFoundError(`reviewer ${id} not found`);
      const losesAdmin = changes.disabled === true || changes.role === 'reviewer';
      if (losesAdmin && admins.length === 1 && admins[0] === id) {
        throw new ConflictError('this is the last enabled admin; make another admin first');
      }
      await this.reviewers.update(tx, id, {
        ...(changes.role ? { role: changes.role } : {}),
        ...(changes.disabled === undefined ? {} : { disabledAt: changes.disabled ? new Date() : null }),
      });
      if (changes.disabled) await this.sessions.endAllOf(tx, id);
      await this.audit.record(tx, {
        actor,
        action: 'reviewer.updated',
        entityType: 'reviewer',
        entityId: id,
        data: changes,
      });
    });
    return this.get(id);
  }

  /** Links the Slack user who decides in Slack as this reviewer; 409 when another reviewer has that Slack user. */
  async linkSlackUser(id: string, slackUserId: string | null, actor: string): Promise<Reviewer> {
    await this.uow.run(async (tx) => {
      const target = await this.reviewers.find(id, tx);
      if (!target) throw new NotFoundError(`reviewer ${id} not found`);
      const holder = slackUserId && (await this.reviewers.findBySlackUser(slackUserId, tx));
      if (holder && holder.id !== id) throw new ConflictError(`${slackUserId} is linked to ${holder.email}`);
      await this.reviewers.update(tx, id, { slackUserId });
      await this.audit.record(tx, {
        actor,
        action: 'reviewer.slack_linked',
        entityType: 'reviewer',
        entityId: id,
        data: { slackUserId },
      });
    });
    return this.get(id);
  }
}
