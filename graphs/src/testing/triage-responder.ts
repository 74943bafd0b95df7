import type { Classification } from '@handoff/contracts';
import type { Confidence } from '../schemas';
import { TRIAGE_OUTPUT_NAMES } from '../llm/openai';
import {
  FakeOpenAIError,
  requestText,
  type ChatCompletionRequestBody,
  type FakeOpenAIResponder,
} from './fake-openai-server';

/** What the fake model answers to ChatTriageModel's two calls (the draft call carries the assessment); instructionToAi defaults to false. */
export interface TriageScript {
  classification: Classification & { instructionToAi?: boolean };
  draft: string;
  assessment: Confidence & { instructionToAi?: boolean };
}

/**
 * A responder for startFakeOpenAIServer that plays ChatTriageModel's
 * counterpart, recognising the call by its structured-output name. Pass a
 * function to answer per email (it gets the whole prompt text).
 */
export function triageResponder(script: TriageScript | ((prompt: string) => TriageScript)): FakeOpenAIResponder {
  return (body: ChatCompletionRequestBody) => {
    const { classification, draft, assessment } = typeof script === 'function' ? script(requestText(body)) : script;
    switch (body.response_format?.json_schema?.name) {
      case TRIAGE_OUTPUT_NAMES.classify:
        return { instructionToAi: false, ...classification };
      case TRIAGE_OUTPUT_NAMES.draft:
        return { reply: draft, instructionToAi: false, unsupportedClaims: [], ...assessment };
      default:
        throw new FakeOpenAIError(
          400,
          `triageResponder: unexpected call ${body.response_format?.json_schema?.name ?? '(plain text)'}`,
        );
    }
  };
}
