import { describe, expect, it } from '@jest/globals';
import { SseParser } from './sse-parser.js';

describe('SseParser', () => {
  it('parses data-only events separated by blank lines', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"a":1}\n\ndata: [DONE]\n\n')).toEqual([
      { data: '{"a":1}' },
      { data: '[DONE]' },
    ]);
  });

  it('keeps the event name and joins multi-line data', () => {
    const parser = new SseParser();
    expect(parser.push('event: message_start\ndata: line1\ndata: line2\n\n')).toEqual([
      { event: 'message_start', data: 'line1\nline2' },
    ]);
  });

  it('reassembles events split across chunks, including inside a CRLF', () => {
    const parser = new SseParser();
    const text = 'event: ping\r\ndata: {"x":"y"}\r\n\r\ndata: second\r\n\r\n';
    const events = [];
    for (let i = 0; i < text.length; i += 3) events.push(...parser.push(text.slice(i, i + 3)));
    expect(events).toEqual([{ event: 'ping', data: '{"x":"y"}' }, { data: 'second' }]);
  });

  it('decodes UTF-8 split across byte chunks', () => {
    const parser = new SseParser();
    const bytes = new TextEncoder().encode('data: héllo ✓\n\n');
    const events = [...parser.push(bytes.slice(0, 8)), ...parser.push(bytes.slice(8))];
    expect(events).toEqual([{ data: 'héllo ✓' }]);
  });

  it('ignores comments and unknown fields, and handles lone CR line endings', () => {
    const parser = new SseParser();
    // A CR at the end of a chunk may be half of a CRLF, so it is settled by the next chunk.
    const first = parser.push(': keep-alive\rid: 7\rretry: 10\rdata:no-space\r\r');
    expect(first).toEqual([]);
    expect(parser.push('data: next\r\r')).toEqual([{ data: 'no-space' }]);
    expect(parser.end()).toEqual([{ data: 'next' }]);
  });

  it('drops events without data and resets the event name after each event', () => {
    const parser = new SseParser();
    expect(parser.push('event: lonely\n\ndata: plain\n\n')).toEqual([{ data: 'plain' }]);
  });

  it('delivers a final event that lacks its trailing blank line on end()', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"done":true}')).toEqual([]);
    expect(parser.end()).toEqual([{ data: '{"done":true}' }]);
  });
});
