export {
  ScriptedChatModel,
  type ScriptedCall,
  type ScriptedCallOptions,
  type ScriptedReply,
} from './scripted-chat-model';
export { InMemoryOutbox, fixedClock, inboundMessage, testPolicy } from './fakes';
export {
  FakeOpenAIError,
  hashedWordsEmbedder,
  requestText,
  startFakeOpenAIServer,
  type ChatCompletionRequestBody,
  type FakeEmbedder,
  type FakeOpenAIReply,
  type FakeOpenAIResponder,
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  type RecordedRequest,
} from './fake-openai-server';
export { triageResponder, type TriageScript } from './triage-responder';
