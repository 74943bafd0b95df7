import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The parts of an OpenAI chat-completions request the fake understands. */
export interface ChatCompletionRequestBody {
  model: string;
  messages: { role: string; content: string | { type: string; text?: string }[] | null }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: {
    type: 'text' | 'json_object' | 'json_schema';
    json_schema?: { name: string; schema?: unknown; strict?: boolean };
  };
  tools?: { type: 'function'; function: { name: string; parameters?: unknown } }[];
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };
  [key: string]: unknown;
}

/**
 * What the scripted model says: a string is the message content as is; an
 * object becomes tool-call arguments when tools were offered, JSON content otherwise.
 */
export type FakeOpenAIReply = string | Record<string, unknown>;
export type FakeOpenAIResponder = (body: ChatCompletionRequestBody) => FakeOpenAIReply | Promise<FakeOpenAIReply>;

/** Throw from a responder to answer with an OpenAI-style error, e.g. 429 or 500. */
export class FakeOpenAIError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatCompletionRequestBody;
}

export interface FakeOpenAIServer {
  /** Pass as the client's baseURL, e.g. http://127.0.0.1:51234/v1. */
  baseURL: string;
  apiKey: string;
  /** Every authenticated chat-completions request, in arrival order. */
  requests: RecordedRequest[];
  /** Every authenticated embeddings request's model and inputs, in arrival order. */
  embeddingRequests: { model: string; input: string[] }[];
  close(): Promise<void>;
}

/** Turns one input of an embeddings request into its vector. */
export type FakeEmbedder = (input: string) => number[];

export interface FakeOpenAIServerOptions {
  responder: FakeOpenAIResponder;
  /** The key clients must send as a Bearer token. */
  apiKey?: string;
  /** Answers POST /v1/embeddings; the default hashes words into 64 buckets (similar words, similar vectors). */
  embedder?: FakeEmbedder;
}

/** A bag-of-words vector: each lower-cased word adds 1 to one of 64 buckets chosen by its hash. */
export const hashedWordsEmbedder: FakeEmbedder = (input) => {
  const vector = new Array<number>(64).fill(0);
  for (const word of input.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 0;
    for (const char of word) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
    vector[hash % 64]! += 1;
  }
  return vector;
};

/** All message text of a request, to let responders look at the prompt. */
export function requestText(body: ChatCompletionRequestBody): string {
  return body.messages
    .map(({ content }) =>
      typeof content === 'string' ? content : (content ?? []).map((part) => part.text ?? '').join(''),
    )
    .join('\n');
}

const approxTokens = (text: string) => Math.ceil(text.length / 4);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, code: string | null = null): void {
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  sendJson(res, status, { error: { message, type, param: null, code } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Answer {
  content: string | null;
  toolCall: { id: string; name: string; arguments: string } | null;
}

function toAnswer(body: ChatCompletionRequestBody, reply: FakeOpenAIReply): Answer {
  if (typeof reply === 'string') return { content: reply, toolCall: null };
  const forced = typeof body.tool_choice === 'object' ? body.tool_choice.function.name : undefined;
  const tool = forced ?? body.tools?.[0]?.function.name;
  if (tool === undefined || body.tool_choice === 'none') return { content: JSON.stringify(reply), toolCall: null };
  return { content: null, toolCall: { id: `call_${randomUUID()}`, name: tool, arguments: JSON.stringify(reply) } };
}

function usage(body: ChatCompletionRequestBody, answer: Answer) {
  const prompt_tokens = approxTokens(requestText(body));
  const completion_tokens = approxTokens(answer.content ?? answer.toolCall?.arguments ?? '');
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function completion(body: ChatCompletionRequestBody, answer: Answer) {
  const { toolCall } = answer;
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.content,
          refusal: null,
          ...(toolCall && {
            tool_calls: [
              { id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: toolCall.arguments } },
            ],
          }),
        },
        logprobs: null,
        finish_reason: toolCall ? 'tool_calls' : 'stop',
      },
    ],
    usage: usage(body, answer),
  };
}

/** Server-sent events as the streaming API sends them: role, pieces, finish, optional usage, [DONE]. */
function streamCompletion(res: ServerResponse, body: ChatCompletionRequestBody, answer: Answer): void {
  const base = {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
  };
  const send = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`);
  const delta = (d: Record<string, unknown>, finish_reason: string | null = null) =>
    send({ ...base, choices: [{ index: 0, delta: d, logprobs: null, finish_reason }] });
  const pieces = (text: string) => text.match(/[\s\S]{1,16}/g) ?? [];

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  delta({ role: 'assistant', content: '' });
  const { toolCall } = answer;
  if (toolCall) {
    delta({
      tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '' } }],
    });
    for (const piece of pieces(toolCall.arguments))
      delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] });
  } else {
    for (const piece of pieces(answer.content ?? '')) delta({ content: piece });
  }
  delta({}, toolCall ? 'tool_calls' : 'stop');
  if (body.stream_options?.include_usage) send({ ...base, choices: [], usage: usage(body, answer) });
  res.end('data: [DONE]\n\n');
}

/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions
 * protocol (JSON and SSE, response_format, tools), answering from a responder.
 */
export async function startFakeOpenAIServer(options: FakeOpenAIServerOptions): Promise<FakeOpenAIServer> {
  const apiKey = options.apiKey ?? 'sk-test-fake-openai';
  const requests: RecordedRequest[] = [];

  const embeddingRequests: FakeOpenAIServer['embeddingRequests'] = [];
  const embedder = options.embedder ?? hashedWordsEmbedder;

  /** The embeddings API: {model, input: string | string[]} → {data: [{index, embedding}], usage}. */
  async function embeddings(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
      return;
    }
    let body: { model?: unknown; input?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      sendError(res, 400, 'request body is not JSON');
      return;
    }
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (typeof body.model !== 'string' || !Array.isArray(input) || !input.every((item) => typeof item === 'string')) {
      sendError(res, 400, "'model' and 'input' (a string or an array of strings) are required");
      return;
    }
    embeddingRequests.push({ model: body.model, input: input as string[] });
    const tokens = (input as string[]).reduce((sum, text) => sum + approxTokens(text), 0);
    sendJson(res, 200, {
      object: 'list',
      model: body.model,
      data: (input as string[]).map((text, index) => ({ object: 'embedding', index, embedding: embedder(text) })),
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && /^(\/v1)?\/embeddings$/.test(path)) {
      await embeddings(req, res);
      return;
    }
    if (req.method !== 'POST' || !/^(\/v1)?\/chat\/completions$/.test(path)) {
      sendError(res, 404, `no route for ${req.method} ${path}`);
      return;
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
      return;
    }
    let body: ChatCompletionRequestBody;
    try {
      body = JSON.parse(await readBody(req)) as ChatCompletionRequestBody;
    } catch {
      sendError(res, 400, 'request body is not JSON');
      return;
    }
    requests.push({ method: req.method, path, headers: req.headers, body });
    let answer: Answer;
    try {
      answer = toAnswer(body, await options.responder(body));
    } catch (error) {
      if (error instanceof FakeOpenAIError) sendError(res, error.status, error.message, error.code);
      else sendError(res, 500, error instanceof Error ? error.message : String(error));
      return;
    }
    if (body.stream) streamCompletion(res, body, answer);
    else sendJson(res, 200, completion(body, answer));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    embeddingRequests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
