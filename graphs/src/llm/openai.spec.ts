import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Classification } from '@handoff/contracts';
import { DEFAULT_TAXONOMY } from '../policy';
import {
  inboundMessage,
  ScriptedChatModel,
  startFakeOpenAIServer,
  triageResponder,
  type FakeOpenAIServer,
} from '../testing';
import { ChatTriageModel, createOpenAIChatModel, MODEL_FLAGGED_INSTRUCTIONS, TRIAGE_OUTPUT_NAMES } from './openai';

const message = inboundMessage({ subject: 'Double charge', text: 'I was charged twice for order #4411.' });
const classification: Classification = {
  category: 'billing',
  intent: 'wants a duplicate charge refunded',
  language: 'en',
  urgency: 'normal',
  riskFlags: [],
  categoryConfidence: 0.88,
};
const taxonomy = DEFAULT_TAXONOMY;
const DRAFT = 'Hi Jane,\n\nSorry about the double charge on order #4411. We have refunded it.\n\nThe Support Team';

describe('ChatTriageModel over a scripted chat model', () => {
  test('classify asks for the classification tool and returns its arguments', async () => {
    const chat = new ScriptedChatModel([{ ...classification, instructionToAi: false }]);
    const result = await new ChatTriageModel(chat, 'scripted').classify(message, DEFAULT_TAXONOMY);

    assert.deepEqual(result, classification);
    const [call] = chat.calls;
    assert.deepEqual(call?.tools, [TRIAGE_OUTPUT_NAMES.classify]);
    assert.deepEqual(
      call?.messages.map((m) => m.role),
      ['system', 'human'],
    );
    assert.match(call?.messages[0]?.text ?? '', /untrusted data/);
    assert.match(call?.messages[1]?.text ?? '', /^Task: classify\n\n<email>\nFrom: Jane Doe ‹jane\.doe@example\.com›/);
  });

  test('draft returns the reply, trimmed, and the self-assessment from the same call', async () => {
    const chat = new ScriptedChatModel([
      {
        reply: `  ${DRAFT}\n`,
        confidence: 0.7,
        reasons: ['Refund promised without checking.'],
        unsupportedClaims: [],
        instructionToAi: false,
      },
    ]);
    const draft = await new ChatTriageModel(chat, 'scripted').draft({ message, classification, taxonomy });
    assert.deepEqual(draft, {
      text: DRAFT,
      assessment: { confidence: 0.7, reasons: ['Refund promised without checking.'] },
    });
    assert.equal(chat.calls.length, 1);
    assert.deepEqual(chat.calls[0]?.tools, [TRIAGE_OUTPUT_NAMES.draft]);
    assert.match(chat.calls[0]?.messages[1]?.text ?? '', /^Task: draft\n/);
  });

  test("the model's unsupported claims travel with its assessment", async () => {
    const chat = new ScriptedChatModel([
      { reply: DRAFT, confidence: 0.6, reasons: ['A date.'], unsupportedClaims: ['by Friday'], instructionToAi: false },
    ]);
    const { assessment } = await new ChatTriageModel(chat, 'scripted').draft({ message, classification, taxonomy });
    assert.deepEqual(assessment, { confidence: 0.6, reasons: ['A date.'], unsupportedClaims: ['by Friday'] });
  });

  test('output outside the contract is an error, not a guess', async () => {
    const chat = new ScriptedChatModel([
      { ...classification, categoryConfidence: 1.7, instructionToAi: false },
      { reply: DRAFT, confidence: 'high', reasons: [], unsupportedClaims: [], instructionToAi: false },
      { confidence: 0.9, reasons: [], unsupportedClaims: [], instructionToAi: false },
    ]);
    const model = new ChatTriageModel(chat, 'scripted');
    await assert.rejects(model.classify(message, DEFAULT_TAXONOMY), /categoryConfidence/);
    await assert.rejects(model.draft({ message, classification, taxonomy }), /confidence/);
    await assert.rejects(model.draft({ message, classification, taxonomy }), /reply/);
  });

  test('an answer without instructionToAi is an error, so silence never passes as clean', async () => {
    const chat = new ScriptedChatModel([
      classification,
      { reply: DRAFT, confidence: 0.9, reasons: [], unsupportedClaims: [] },
    ]);
    const model = new ChatTriageModel(chat, 'scripted');
    await assert.rejects(model.classify(message, DEFAULT_TAXONOMY), /instructionToAi/);
    await assert.rejects(model.draft({ message, classification, taxonomy }), /instructionToAi/);
  });

  test("instructionToAi becomes a prompt_injection flag in classify and zero confidence in the draft's assessment", async () => {
    const chat = new ScriptedChatModel([
      { ...classification, instructionToAi: true },
      { reply: DRAFT, confidence: 0.95, reasons: ['Looks fine.'], unsupportedClaims: [], instructionToAi: true },
    ]);
    const model = new ChatTriageModel(chat, 'scripted');
    const flagged = await model.classify(message, DEFAULT_TAXONOMY);
    assert.deepEqual(flagged, { ...classification, riskFlags: ['prompt_injection'] });
    assert.deepEqual(await model.draft({ message, classification, taxonomy }), {
      text: DRAFT,
      assessment: { confidence: 0, reasons: ['Looks fine.', MODEL_FLAGGED_INSTRUCTIONS] },
    });
    assert.match(chat.calls[0]?.messages[0]?.text ?? '', /instructionToAi is true when any part of the email/);
  });

  test('model failures propagate', async () => {
    const chat = new ScriptedChatModel([new Error('rate limited')]);
    await assert.rejects(
      new ChatTriageModel(chat, 'scripted').draft({ message, classification, taxonomy }),
      /rate limited/,
    );
  });
});

describe('ChatTriageModel over ChatOpenAI and a real HTTP server', () => {
  let server: FakeOpenAIServer;
  const assessment = { confidence: 0.82, reasons: ['Addresses the charge.'] };

  before(async () => {
    server = await startFakeOpenAIServer({ responder: triageResponder({ classification, draft: DRAFT, assessment }) });
  });
  after(() => server.close());

  const model = (apiKey = server.apiKey) =>
    new ChatTriageModel(
      createOpenAIChatModel({ baseURL: server.baseURL, apiKey, model: 'gpt-4o-mini', maxRetries: 0, timeoutMs: 5_000 }),
      'openai:gpt-4o-mini',
    );

  test('classify sends a json_schema response_format restricted to the taxonomy', async () => {
    const before = server.requests.length;
    assert.deepEqual(await model().classify(message, DEFAULT_TAXONOMY), classification);

    const request = server.requests[before];
    assert.equal(request?.path, '/v1/chat/completions');
    assert.equal(request?.headers.authorization, `Bearer ${server.apiKey}`);
    const format = request?.body.response_format;
    assert.equal(format?.type, 'json_schema');
    assert.equal(format?.json_schema?.name, 'classification');
    const schema = format?.json_schema?.schema as {
      properties: { category: { enum: string[] }; instructionToAi: { type: string } };
      required: string[];
    };
    assert.deepEqual(
      schema.properties.category.enum,
      DEFAULT_TAXONOMY.map((category) => category.key),
    );
    assert.equal(schema.properties.instructionToAi.type, 'boolean');
    assert.ok(schema.required.includes('instructionToAi'), 'the model must answer it');
    assert.deepEqual(
      request?.body.messages.map((m) => m.role),
      ['system', 'user'],
    );
  });

  test('draft is one structured call: the reply, then the self-assessment', async () => {
    const before = server.requests.length;
    assert.deepEqual(await model().draft({ message, classification, taxonomy }), { text: DRAFT, assessment });
    assert.equal(server.requests.length, before + 1, 'one call for draft and assessment');
    const format = server.requests[before]?.body.response_format?.json_schema;
    assert.equal(format?.name, 'draft_reply');
    const schema = format?.schema as { properties: Record<string, unknown>; required: string[] };
    assert.deepEqual(Object.keys(schema.properties), [
      'reply',
      'confidence',
      'reasons',
      'unsupportedClaims',
      'instructionToAi',
    ]);
    assert.ok(schema.required.includes('instructionToAi') && schema.required.includes('unsupportedClaims'));
  });

  test('a wrong API key surfaces as a 401 error', async () => {
    const before = server.requests.length;
    await assert.rejects(
      model('sk-wrong').classify(message, DEFAULT_TAXONOMY),
      (error: Error & { status?: number }) => {
        assert.equal(error.status, 401);
        assert.match(error.message, /Incorrect API key/);
        return true;
      },
    );
    assert.equal(server.requests.length, before, 'rejected before the responder ran');
  });
});
