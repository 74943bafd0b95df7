import { AuditLogEntity } from '../audit/audit-log.entity';
import { ReviewerEntity } from '../auth/reviewer.entity';
import { CalibrationChangeEntity } from '../calibration/calibration-change.entity';
import { CategoryCalibrationEntity } from '../calibration/category-calibration.entity';
import { ReviewLabelEntity } from '../calibration/review-label.entity';
import { SessionEntity } from '../auth/session.entity';
import { OutboundMessageEntity } from '../delivery/outbound-message.entity';
import { DigestEntity } from '../digest/digest.entity';
import { InboundEventEntity } from '../ingest/inbound-event.entity';
import {
  KnowledgeArticleEntity,
  KnowledgeArticleVersionEntity,
  KnowledgeChunkEntity,
} from '../knowledge/knowledge-article.entity';
import { ReplayTokenEntity } from '../ingest/replay-token.entity';
import { LlmCallEntity } from '../observability/llm-call.entity';
import { ReviewDecisionEntity } from '../reviews/review-decision.entity';
import { ReviewTaskEntity } from '../reviews/review-task.entity';
import { RunStepEntity } from '../workflow/run-step.entity';
import { WorkflowRunEntity } from '../workflow/workflow-run.entity';
import { ModelVersionEntity } from '../models/model-version.entity';
import { SlackMessageEntity } from '../reviews/slack/slack-message.entity';

/** Every TypeORM entity; the migrations test checks they agree with the migrations. */
export const ENTITIES = [
  InboundEventEntity,
  WorkflowRunEntity,
  RunStepEntity,
  ReviewTaskEntity,
  ReviewDecisionEntity,
  OutboundMessageEntity,
  AuditLogEntity,
  LlmCallEntity,
  ReviewerEntity,
  SessionEntity,
  ReplayTokenEntity,
  SlackMessageEntity,
  DigestEntity,
  KnowledgeArticleEntity,
  KnowledgeArticleVersionEntity,
  KnowledgeChunkEntity,
  ReviewLabelEntity,
  CategoryCalibrationEntity,
  CalibrationChangeEntity,
  ModelVersionEntity,
];
