import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AIMessage } from '@langchain/core/messages';
import { z } from 'zod';
import { createOpenAIChatModel } from '../llm/openai';
import { FakeOpenAIError, requestText, startFakeOpenAIServer, type FakeOpenAIResponder } from './fake-openai-server';

async function withServer(
  responder: FakeOpenAIResponder,
  run: (
    chat: ReturnType<typeof createOpenAIChatModel>,
    server: Awaited<ReturnType<typeof startFakeOpenAIServer>>,
  ) => Promise<void>,
) {
  const server = await startFakeOpenAIServer({ responder, apiKey: 'sk-spec' });
  try {
    await run(
      createOpenAIChatModel({ baseURL: server.baseURL, apiKey: 'sk-spec', model: 'gpt-4o-mini', maxRetries: 0 }),
      server,
    );
  } finally {
    await server.close();
  }
}

describe('startFakeOpenAIServer', () => {
  test('answers plain chat with content and usage', async () => {
    await withServer(
      (body) => `You said: ${requestText(body)}`,
      async (chat) => {
        const reply = await chat.invoke('hello there');
        assert.equal(reply.text, 'You said: hello there');
        assert.ok(AIMessage.isInstance(reply));
        assert.deepEqual(
          [reply.usage_metadata?.input_tokens, reply.usage_metadata?.output_tokens, reply.usage_metadata?.total_tokens],
          [3, 6, 9],
        );
      },
    );
  });

  test('streams server-sent events when asked to', async () => {
    const long = 'A streamed reply that is longer than one sixteen-character chunk.';
    await withServer(
      () => long,
      async (chat, server) => {
        const chunks: string[] = [];
        for await (const chunk of await chat.stream('go')) chunks.push(chunk.text);
        assert.equal(chunks.join(''), long);
        assert.ok(chunks.filter((chunk) => chunk !== '').length > 1, 'more than one content chunk');
        assert.equal(server.requests[0]?.body.stream, true);
      },
    );
  });

  test('answers a forced tool call with the responder object as arguments', async () => {
    await withServer(
      () => ({ city: 'Lisbon', days: 3 }),
      async (chat, server) => {
        const schema = z.object({ city: z.string(), days: z.number().int() });
        const structured = chat.withStructuredOutput(schema, { name: 'trip', method: 'functionCalling' });
        assert.deepEqual(await structured.invoke('plan a trip'), { city: 'Lisbon', days: 3 });
        assert.equal(server.requests[0]?.body.tools?.[0]?.function.name, 'trip');
      },
    );
  });

  test('a FakeOpenAIError from the responder becomes that HTTP error', async () => {
    await withServer(
      () => {
        throw new FakeOpenAIError(503, 'overloaded');
      },
      async (chat) => {
        await assert.rejects(chat.invoke('hi'), (error: Error & { status?: number }) => {
          assert.equal(error.status, 503);
          assert.match(error.message, /overloaded/);
          return true;
        });
      },
    );
  });

  test('refuses unknown routes and non-JSON bodies over plain HTTP', async () => {
    const server = await startFakeOpenAIServer({ responder: () => 'unused' });
    try {
      const missing = await fetch(`${server.baseURL}/models`);
      assert.equal(missing.status, 404);
      const broken = await fetch(`${server.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}` },
        body: '{not json',
      });
      assert.equal(broken.status, 400);
      assert.equal(((await broken.json()) as { error: { message: string } }).error.message, 'request body is not JSON');
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });

  test("answers /v1/embeddings in input order with the embedder's vectors, and needs the key", async () => {
    await withServer(
      () => '',
      async (_chat, server) => {
        const call = (key: string, body: unknown) =>
          fetch(`${server.baseURL}/embeddings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify(body),
          });
        const response = await call('sk-spec', { model: 'embed-test', input: ['tent poles', 'Tent  POLES!', 'socks'] });
        assert.equal(response.status, 200);
        const { data } = (await response.json()) as { data: { index: number; embedding: number[] }[] };
        assert.deepEqual(
          data.map((item) => item.index),
          [0, 1, 2],
        );
        assert.deepEqual(data[0]!.embedding, data[1]!.embedding, 'same words, same vector');
        assert.notDeepEqual(data[0]!.embedding, data[2]!.embedding);
        assert.equal(
          data[0]!.embedding.reduce((sum, value) => sum + value, 0),
          2,
        );
        assert.deepEqual(server.embeddingRequests, [
          { model: 'embed-test', input: ['tent poles', 'Tent  POLES!', 'socks'] },
        ]);
        assert.equal((await call('wrong', { model: 'embed-test', input: 'x' })).status, 401);
        assert.equal((await call('sk-spec', { input: 'x' })).status, 400);
      },
    );
  });
});
