import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConflictError, NotFoundError, UnauthenticatedError } from '../common/domain-errors';
import type { Reviewer, Role } from '@handoff/contracts';
import { AuditRepository } from '../audit/audit.repository';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { UnitOfWork, type Tx } from '../database/unit-of-work';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import type { ReviewerEntity } from './reviewer.entity';
import { ReviewerRepository } from './reviewer.repository';
import { SessionRepository } from './session.repository';

export interface NewReviewer {
  email: string;
  name: string;
  password: string;
  role: Role;
}

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates the ADMIN_EMAIL account when there is no admin yet; safe when several processes start at once. */
  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password) return;
    const created = await this.reviewers.addFirstAdmin(randomUUID(), email, await hashPassword(password));
    if (created) this.logger.log(`created the first admin account ${email}`);
  }

  /** The enabled account with these credentials; 401 otherwise, the same whichever part was wrong. */
  async authenticate(email: string, password: string): Promise<Reviewer> {
    const reviewer = await this.reviewers.findByEmail(email);
    const valid = await verifyPassword(password, reviewer?.passwordHash ?? (await DUMMY_HASH));
    if (!reviewer || !valid || reviewer.disabledAt) throw new UnauthenticatedError('wrong email or password');
    return toReviewer(reviewer);
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
