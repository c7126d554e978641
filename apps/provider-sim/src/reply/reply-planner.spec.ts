import { describe, expect, it } from '@jest/globals';
import { createSeededRng } from '@stilts/routing';
import { applyBehaviour, DEFAULT_BEHAVIOUR } from '../scenario/behaviour-timeline.js';
import {
  estimateTokens,
  groupPieces,
  planReply,
  splitEvery,
  tokenise,
  type ChatRequest,
  type Reply,
} from './reply-planner.js';

function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'm',
    stream: false,
    includeUsage: false,
    maxTokens: undefined,
    promptChars: 40,
    echo: false,
    lastUserText: 'hello',
    toolToCall: undefined,
    toolResult: undefined,
    ...overrides,
  };
}

const fixed = (outputTokens: number, inputTokens?: number) =>
  applyBehaviour(
    DEFAULT_BEHAVIOUR,
    inputTokens === undefined ? { outputTokens } : { outputTokens, inputTokens },
  );

function textOf(reply: Reply): string {
  if (reply.kind !== 'text') throw new Error(`expected text, got ${reply.kind}`);
  return reply.pieces.join('');
}

describe('planReply', () => {
  it('greets from the provider with exactly the scenario output token count', () => {
    const reply = planReply(chatRequest(), fixed(12), 'sim-openai', createSeededRng(1));
    expect(reply.kind).toBe('text');
    expect(textOf(reply).startsWith('Hello from sim-openai:')).toBe(true);
    expect(reply.usage).toEqual({ inputTokens: 10, outputTokens: 12 });
    expect(reply.kind === 'text' && reply.pieces.length).toBe(12);
    expect(reply.kind === 'text' && reply.finish).toBe('stop');
  });

  it('caps the reply at the request max tokens and reports length', () => {
    const reply = planReply(chatRequest({ maxTokens: 5 }), fixed(30), 'p', createSeededRng(2));
    expect(reply.usage.outputTokens).toBe(5);
    expect(reply.kind === 'text' && reply.finish).toBe('length');
  });

  it('does not report length when the reply fits exactly', () => {
    const reply = planReply(chatRequest({ maxTokens: 8 }), fixed(8), 'p', createSeededRng(2));
    expect(reply.kind === 'text' && reply.finish).toBe('stop');
  });

  it('uses the scenario input token override', () => {
    expect(planReply(chatRequest(), fixed(3, 777), 'p', createSeededRng(3)).usage.inputTokens).toBe(
      777,
    );
  });

  it('echoes the last user message verbatim in echo mode', () => {
    const text = 'round  trip [[echo]] with spaces\nand lines ';
    const reply = planReply(
      chatRequest({ echo: true, lastUserText: text }),
      fixed(3),
      'p',
      createSeededRng(4),
    );
    expect(textOf(reply)).toBe(text);
    expect(reply.usage.outputTokens).toBe(tokenise(text).length);
  });

  it('calls the offered tool with synthesised arguments', () => {
    const reply = planReply(
      chatRequest({
        toolToCall: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      }),
      fixed(50),
      'p',
      createSeededRng(5),
    );
    expect(reply.kind).toBe('tool_call');
    if (reply.kind !== 'tool_call') return;
    expect(reply.name).toBe('get_weather');
    expect(reply.arguments).toEqual({ city: 'example' });
    expect(JSON.parse(reply.argumentsJson)).toEqual({ city: 'example' });
    expect(reply.callToken).toMatch(/^[A-Za-z0-9]{24}$/);
  });

  it('never reports more output tokens than the request allowed, even for a tool call', () => {
    const reply = planReply(
      chatRequest({
        maxTokens: 2,
        toolToCall: {
          name: 'a_rather_long_tool_name',
          parameters: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] },
        },
      }),
      fixed(50),
      'p',
      createSeededRng(5),
    );
    expect(reply.usage.outputTokens).toBe(2);
  });

  it('mentions the tool result when answering one', () => {
    const reply = planReply(
      chatRequest({ toolResult: '{"temperature": 21}' }),
      fixed(5),
      'p',
      createSeededRng(6),
    );
    expect(textOf(reply)).toContain('the tool returned {"temperature": 21}');
  });

  it('prefers echo over a tool call', () => {
    const reply = planReply(
      chatRequest({
        echo: true,
        lastUserText: '[[echo]] hi',
        toolToCall: { name: 't', parameters: {} },
      }),
      fixed(5),
      'p',
      createSeededRng(7),
    );
    expect(textOf(reply)).toBe('[[echo]] hi');
  });

  it('is deterministic under a seed and varies across seeds', () => {
    const a = planReply(chatRequest(), fixed(40), 'p', createSeededRng('x'));
    const b = planReply(chatRequest(), fixed(40), 'p', createSeededRng('x'));
    const c = planReply(chatRequest(), fixed(40), 'p', createSeededRng('y'));
    expect(b).toEqual(a);
    expect(textOf(c)).not.toBe(textOf(a));
  });
});

describe('text helpers', () => {
  it('tokenises losslessly into pieces of at most 4 visible characters', () => {
    const text = '  Hello, wonderful world!\n ';
    const pieces = tokenise(text);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) expect(piece.trim().length).toBeLessThanOrEqual(4);
  });

  it('estimates ceil(chars / 4), at least 1', () => {
    expect(estimateTokens(0)).toBe(1);
    expect(estimateTokens(4)).toBe(1);
    expect(estimateTokens(5)).toBe(2);
  });

  it('groups pieces and splits strings', () => {
    expect(groupPieces(['a', 'b', 'c', 'd', 'e'], 2)).toEqual(['ab', 'cd', 'e']);
    expect(splitEvery('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
  });
});
