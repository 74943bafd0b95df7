import { requestText, startFakeOpenAIServer, triageResponder, type TriageScript } from '@handoff/graphs/testing';

/** What the fake model answers: order-status emails are confident and clean, complaints always go to review. */
function scriptFor(prompt: string): TriageScript {
  const name = /From: ([A-Z][a-z]+)/.exec(prompt)?.[1] ?? 'there';
  // The bench's addresses say what each email is for (emails.ts, customerAddress); prompts show <> as ‹›.
  if (/\breview-\d+\.\w+@customer\.example/.test(prompt)) {
    return {
      classification: {
        category: 'complaint',
        intent: 'complains about the service and asks for a manager',
        language: 'en',
        urgency: 'high',
        riskFlags: [],
        categoryConfidence: 0.93,
      },
      draft: `Hi ${name},\n\nI am sorry about how your case was handled. A manager will contact you within one business day.\n\nThe Support Team`,
      assessment: { confidence: 0.7, reasons: ['A complaint needs a person to follow up.'] },
    };
  }
  return {
    classification: {
      category: 'order_status',
      intent: 'asks where the order is',
      language: 'en',
      urgency: 'normal',
      riskFlags: [],
      categoryConfidence: 0.96,
    },
    draft: `Hi ${name},\n\nThanks for your patience. Your order has shipped and should arrive within two business days.\n\nThe Support Team`,
    assessment: { confidence: 0.94, reasons: ['The draft answers the question with the shipping status.'] },
  };
}

export interface ModelUsage {
  calls: number;
  promptTokens: number;
  /** Tokens of the system prompt: the static prefix every call sends first. */
  staticPromptTokens: number;
  completionTokens: number;
}

const approxTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * An OpenAI-compatible server on loopback that answers every chat completion
 * after `latencyMs`, counting calls and (approximate, 4 characters a token) tokens.
 */
export async function startSlowModel(latencyMs: number) {
  const usage: ModelUsage = { calls: 0, promptTokens: 0, staticPromptTokens: 0, completionTokens: 0 };
  const respond = triageResponder(scriptFor);
  const server = await startFakeOpenAIServer({
    responder: async (body) => {
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const reply = respond(body);
      usage.calls += 1;
      usage.promptTokens += approxTokens(requestText(body));
      const system = body.messages.find((message) => message.role === 'system')?.content;
      usage.staticPromptTokens += approxTokens(typeof system === 'string' ? system : '');
      usage.completionTokens += approxTokens(typeof reply === 'string' ? reply : JSON.stringify(reply));
      // The fake keeps every request for tests; a long run needs only the counts.
      server.requests.length = 0;
      return reply;
    },
  });
  return { baseURL: server.baseURL, apiKey: server.apiKey, usage, close: () => server.close() };
}
