import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import { AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';

/** A text reply, a structured reply (answered as a tool call when tools are bound), or a failure. */
export type ScriptedReply = string | Record<string, unknown> | Error;

export interface ScriptedCall {
  /** The prompt as role/text pairs, e.g. { role: 'system', text: '…' }. */
  messages: { role: string; text: string }[];
  /** Names of the tools bound for this call (withStructuredOutput binds one). */
  tools: string[];
}

export interface ScriptedCallOptions extends BaseChatModelCallOptions {
  tools?: BindToolsInput[];
}

/**
 * A chat model that answers with scripted replies in order and records every
 * prompt. Runs out loudly: an unexpected extra call fails the test.
 */
export class ScriptedChatModel extends BaseChatModel<ScriptedCallOptions> {
  readonly calls: ScriptedCall[] = [];
  private readonly replies: ScriptedReply[];

  constructor(replies: ScriptedReply[]) {
    super({});
    this.replies = [...replies];
  }

  _llmType(): string {
    return 'scripted';
  }

  /** Replies not used yet. */
  get remaining(): number {
    return this.replies.length;
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<ScriptedCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, ScriptedCallOptions> {
    return this.withConfig({ ...kwargs, tools });
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const tools = (options.tools ?? []).map((tool) => convertToOpenAITool(tool).function.name);
    this.calls.push({ messages: messages.map((m) => ({ role: m.getType(), text: m.text })), tools });
    const reply = this.replies.shift();
    if (reply === undefined) throw new Error(`ScriptedChatModel: no reply left for call ${this.calls.length}`);
    if (reply instanceof Error) throw reply;
    const message = replyMessage(reply, tools[0]);
    return { generations: [{ text: message.text, message }] };
  }
}

// A chunk rather than an AIMessage: core's withStructuredOutput parser accepts only chunks.
function replyMessage(reply: string | Record<string, unknown>, tool: string | undefined): AIMessageChunk {
  if (typeof reply === 'string') return new AIMessageChunk(reply);
  if (tool === undefined) return new AIMessageChunk(JSON.stringify(reply));
  return new AIMessageChunk({
    content: '',
    tool_calls: [{ id: `call_${tool}`, name: tool, args: reply, type: 'tool_call' }],
  });
}
