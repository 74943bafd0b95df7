import type { Callbacks } from '@langchain/core/callbacks/manager';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import { ClassificationSchema, type Classification } from '@handoff/contracts';
import { ConfidenceSchema, type Confidence, type InboundMessage, type Taxonomy } from '../schemas';
import { assessPrompt, classifyPrompt, draftPrompt, type Prompt } from '../email-triage/prompts';
import type { AssessRequest, DraftRequest, TriageModel } from '../ports';

/** Names of the structured outputs, as sent in response_format.json_schema.name. */
export const TRIAGE_OUTPUT_NAMES = { classify: 'classification', assess: 'draft_assessment' } as const;

function messages(prompt: Prompt): BaseMessage[] {
  return [new SystemMessage(prompt.system), new HumanMessage(prompt.user)];
}

/** The classification schema with category narrowed to this taxonomy's keys. */
function classificationOutput(taxonomy: Taxonomy) {
  const [first, ...rest] = taxonomy.map((category) => category.key);
  if (first === undefined) throw new Error('the taxonomy has no categories');
  return ClassificationSchema.extend({ category: z.enum([first, ...rest]) });
}

/** TriageModel over any LangChain chat model (OpenAI-compatible in production, scripted in tests). */
export class ChatTriageModel implements TriageModel {
  constructor(
    private readonly chat: BaseChatModel,
    readonly name: string,
  ) {}

  async classify(message: InboundMessage, taxonomy: Taxonomy): Promise<Classification> {
    const structured = this.chat.withStructuredOutput(classificationOutput(taxonomy), {
      name: TRIAGE_OUTPUT_NAMES.classify,
      method: 'jsonSchema',
    });
    return ClassificationSchema.parse(await structured.invoke(messages(classifyPrompt(message, taxonomy))));
  }

  async draft(request: DraftRequest): Promise<string> {
    const reply = await this.chat.invoke(messages(draftPrompt(request)));
    return reply.text.trim();
  }

  async assess(request: AssessRequest): Promise<Confidence> {
    const structured = this.chat.withStructuredOutput(ConfidenceSchema, {
      name: TRIAGE_OUTPUT_NAMES.assess,
      method: 'jsonSchema',
    });
    return ConfidenceSchema.parse(await structured.invoke(messages(assessPrompt(request))));
  }
}

export interface OpenAIChatModelOptions {
  /** Any OpenAI-compatible endpoint, e.g. https://api.openai.com/v1. */
  baseURL?: string;
  apiKey: string;
  model: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** Unset by default: some models accept only their default temperature. */
  temperature?: number;
  /** LangChain callbacks on every call, e.g. the evaluation's token meter. */
  callbacks?: Callbacks;
}

export function createOpenAIChatModel(options: OpenAIChatModelOptions): ChatOpenAI {
  return new ChatOpenAI({
    model: options.model,
    apiKey: options.apiKey,
    configuration: { baseURL: options.baseURL },
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    temperature: options.temperature,
    callbacks: options.callbacks,
  });
}
