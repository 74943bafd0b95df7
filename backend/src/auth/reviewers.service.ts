import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnApplicationBootstrap,
  UnauthorizedException,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Reviewer, Role } from '@handoff/contracts';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config.schema';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';
import { ReviewerEntity } from './reviewer.entity';
import { SessionEntity } from './session.entity';
import { announceSessionChange } from './sessions.service';

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
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get repository() {
    return this.dataSource.getRepository(ReviewerEntity);
  }

  /** Creates the ADMIN_EMAIL account when there is no admin yet; safe when several processes start at once. */
  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password) return;
    const [, created] = (await this.dataSource.query(
      `INSERT INTO reviewers (id, email, name, role, password_hash)
       SELECT $1, $2, 'Admin', 'admin', $3 WHERE NOT EXISTS (SELECT 1 FROM reviewers WHERE role = 'admin')
       ON CONFLICT (email) DO NOTHING`,
      [randomUUID(), email, await hashPassword(password)],
    )) as [unknown, number];
    if (created) this.logger.log(`created the first admin account ${email}`);
  }

  /** The enabled account with these credentials; 401 otherwise, the same whichever part was wrong. */
  async authenticate(email: string, password: string): Promise<Reviewer> {
    const reviewer = await this.repository.findOne({ where: { email } });
    const valid = await verifyPassword(password, reviewer?.passwordHash ?? (await DUMMY_HASH));
    if (!reviewer || !valid || reviewer.disabledAt) throw new UnauthorizedException('wrong email or password');
    return toReviewer(reviewer);
  }

  async get(id: string): Promise<Reviewer> {
    const reviewer = await this.repository.findOne({ where: { id } });
    if (!reviewer) throw new NotFoundException(`reviewer ${id} not found`);
    return toReviewer(reviewer);
  }

  async list(): Promise<Reviewer[]> {
    return (await this.repository.find({ order: { createdAt: 'ASC', id: 'ASC' } })).map(toReviewer);
  }

  async create(input: NewReviewer, actor: string): Promise<Reviewer> {
    const id = randomUUID();
    const passwordHash = await hashPassword(input.password);
    await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(ReviewerEntity)
        .values({ id, email: input.email, name: input.name, role: input.role, passwordHash })
        .orIgnore()
        .returning(['id'])
        .execute();
      if (inserted.raw.length === 0) throw new ConflictException(`an account for ${input.email} exists already`);
      await this.audit.record(manager, {
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
    await this.dataSource.transaction(async (manager) => {
      // Locking every admin row serialises concurrent demotions, so two cannot each leave the other as the last.
      const admins: { id: string }[] = await manager.query(
        `SELECT id FROM reviewers WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
      );
      const target = await manager.findOne(ReviewerEntity, { where: { id } });
      if (!target) throw new NotFoundException(`reviewer ${id} not found`);
      const losesAdmin = changes.disabled === true || changes.role === 'reviewer';
      if (losesAdmin && admins.length === 1 && admins[0]!.id === id) {
        throw new ConflictException('this is the last enabled admin; make another admin first');
      }
      await manager.update(
        ReviewerEntity,
        { id },
        {
          ...(changes.role ? { role: changes.role } : {}),
          ...(changes.disabled === undefined ? {} : { disabledAt: changes.disabled ? new Date() : null }),
        },
      );
      if (changes.disabled) {
        await manager.delete(SessionEntity, { reviewerId: id });
        await announceSessionChange(manager, id);
      }
      await this.audit.record(manager, {
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
    await this.dataSource.transaction(async (manager) => {
      const target = await manager.findOne(ReviewerEntity, { where: { id } });
      if (!target) throw new NotFoundException(`reviewer ${id} not found`);
      const holder = slackUserId && (await manager.findOne(ReviewerEntity, { where: { slackUserId } }));
      if (holder && holder.id !== id) throw new ConflictException(`${slackUserId} is linked to ${holder.email}`);
      await manager.update(ReviewerEntity, { id }, { slackUserId });
      await this.audit.record(manager, {
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
