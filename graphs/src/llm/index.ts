export { ChatTriageModel, createOpenAIChatModel, TRIAGE_OUTPUT_NAMES, type OpenAIChatModelOptions } from './openai';
export * from './local';
