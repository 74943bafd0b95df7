import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';

export interface TokenUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
}

/** Adds up the token usage every chat-model call reports, for the evaluation's cost line. */
export class UsageMeter extends BaseCallbackHandler {
  readonly name = 'handoff-eval-usage';
  readonly usage: TokenUsage = { calls: 0, inputTokens: 0, outputTokens: 0 };

  override handleLLMEnd(output: LLMResult): void {
    this.usage.calls += 1;
    const fromMessages = output.generations.flat().reduce(
      (sum, generation) => {
        const metadata = (
          generation as { message?: BaseMessage & { usage_metadata?: { input_tokens: number; output_tokens: number } } }
        ).message?.usage_metadata;
        return {
          input: sum.input + (metadata?.input_tokens ?? 0),
          output: sum.output + (metadata?.output_tokens ?? 0),
        };
      },
      { input: 0, output: 0 },
    );
    // Older responses carry the counts only in llmOutput.
    const legacy = (
      output.llmOutput as { tokenUsage?: { promptTokens?: number; completionTokens?: number } } | undefined
    )?.tokenUsage;
    const reported = fromMessages.input + fromMessages.output > 0;
    this.usage.inputTokens += reported ? fromMessages.input : (legacy?.promptTokens ?? 0);
    this.usage.outputTokens += reported ? fromMessages.output : (legacy?.completionTokens ?? 0);
  }
}
