import { Initial1795273304461 } from './1795273304461-Initial';
import { ReviewUi1795275832631 } from './1795275832631-ReviewUi';
import { InboundChannels1795276009395 } from './1795276009395-InboundChannels';
import { LlmCalls1795276044351 } from './1795276044351-LlmCalls';
import { RunTraceParent1795280473753 } from './1795280473753-RunTraceParent';
import { ReviewDeadlinesRetention1795284866775 } from './1795284866775-ReviewDeadlinesRetention';
import { ReplyChannels1795285555321 } from './1795285555321-ReplyChannels';
import { SlackMessages1795286467043 } from './1795286467043-SlackMessages';
import { QueueFacetCounts1795288831354 } from './1795288831354-QueueFacetCounts';
import { SlackReminders1795289287361 } from './1795289287361-SlackReminders';
import { SenderScopedMessageIds1795300000000 } from './1795300000000-SenderScopedMessageIds';
import { EventChannel1796165275403 } from './1796165275403-EventChannel';
import { RunLease1796169845435 } from './1796169845435-RunLease';
import { DeliveryHandOverMarker1796176874448 } from './1796176874448-DeliveryHandOverMarker';
import { Digests1796177067830 } from './1796177067830-Digests';
import { KnowledgeBase1796177161300 } from './1796177161300-KnowledgeBase';
import { Autopilot1796177325324 } from './1796177325324-Autopilot';
import { FollowUps1796177341471 } from './1796177341471-FollowUps';
import { Models1796180913875 } from './1796180913875-Models';
import { DropKnowledgeTrigramIndex1796179471252 } from './1796179471252-DropKnowledgeTrigramIndex';

/** Every migration in order. Never edit one that has landed; add a new one. */
export const MIGRATIONS = [
  Initial1795273304461,
  ReviewUi1795275832631,
  InboundChannels1795276009395,
  LlmCalls1795276044351,
  RunTraceParent1795280473753,
  ReviewDeadlinesRetention1795284866775,
  ReplyChannels1795285555321,
  SlackMessages1795286467043,
  QueueFacetCounts1795288831354,
  SlackReminders1795289287361,
  SenderScopedMessageIds1795300000000,
  EventChannel1796165275403,
  RunLease1796169845435,
  DeliveryHandOverMarker1796176874448,
  Digests1796177067830,
  KnowledgeBase1796177161300,
  Autopilot1796177325324,
  FollowUps1796177341471,
  DropKnowledgeTrigramIndex1796179471252,
  Models1796180913875,
];
