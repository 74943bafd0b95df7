import { after } from 'node:test';
import {
  FakeOpenAIError,
  startFakeOpenAIServer,
  triageResponder,
  type FakeOpenAIResponder,
  type FakeOpenAIServer,
} from '@handoff/graphs/testing';
import { ApiClient } from './api-client';
import { useWorldWithSmtp } from './test-service';

export type Fault = 500 | 429 | 400 | 'garbage' | 'slow';

/** What a model sure of itself answers for an order-status email: it goes out on its own. */
export const CONFIDENT_ORDER_STATUS = {
  classification: {
    category: 'order_status',
    intent: 'wants a delivery update',
    language: 'en',
    urgency: 'normal',
    riskFlags: [],
    categoryConfidence: 0.97,
  },
  draft: 'Hello,\n\nYour order left our warehouse yesterday and arrives on Friday.\n\nBest regards,\nSupport',
  assessment: { confidence: 0.95, reasons: ['answers the question directly'] },
} satisfies Parameters<typeof triageResponder>[0];

/**
 * A fake LLM whose faults are scripted per email: each request whose prompt
 * contains a token takes the next fault queued for that token, then answers
 * normally. `down` fails everything until switched off.
 */
export class ScriptedLlm {
  private readonly faults = new Map<string, Fault[]>();
  down = false;

  fail(token: string, ...faults: Fault[]): void {
    this.faults.set(token, faults);
  }

  readonly responder: FakeOpenAIResponder = async (body) => {
    if (this.down) throw new FakeOpenAIError(503, 'the model is overloaded');
    const prompt = JSON.stringify(body.messages);
    const token = [...this.faults.keys()].find((candidate) => prompt.includes(candidate));
    const fault = token ? this.faults.get(token)!.shift() : undefined;
    switch (fault) {
      case 500:
      case 429:
      case 400:
        throw new FakeOpenAIError(fault, `scripted ${fault}`);
      case 'garbage':
        return 'this is {not json';
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        break;
      case undefined:
        break;
    }
    return this.answer(body);
  };

  private readonly answer = triageResponder({
    classification: {
      category: 'order_status',
      intent: 'wants a delivery update',
      language: 'en',
      urgency: 'normal',
      riskFlags: [],
      categoryConfidence: 0.95,
    },
    draft: 'Hello,\n\nYour order is on its way and arrives on Friday.\n\nBest regards,\nSupport',
    assessment: { confidence: 0.93, reasons: ['answers the question'] },
  });
}

/**
 * A test file's world whose service uses the openai provider against a
 * loopback OpenAI-compatible server answering from `llm`. `env` tunes the
 * retry and breaker settings under test.
 */
export function useWorldWithScriptedLlm(llm: ScriptedLlm, env: Record<string, string> = {}) {
  const context = { api: undefined as unknown as ApiClient, server: undefined as unknown as FakeOpenAIServer };
  const { world, smtp } = useWorldWithSmtp(async () => {
    context.server = await startFakeOpenAIServer({ responder: llm.responder });
    const service = await world.start({
      SMTP_URL: smtp.url,
      LLM_PROVIDER: 'openai',
      OPENAI_BASE_URL: context.server.baseURL,
      OPENAI_API_KEY: context.server.apiKey,
      ...env,
    });
    context.api = new ApiClient(service.url);
  });
  after(() => context.server.close());
  return { world, smtp, context };
}
