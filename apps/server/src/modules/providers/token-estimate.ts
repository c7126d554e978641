import type { ChatCompletionRequest } from '../../common/openai/chat-completion.schema.js';

/**
 * Fixed overhead per message: role markers and separators in the chat template. OpenAI's own
 * cookbook counts 3-4 per message; 4 keeps the estimate on the high side.
 */
const TOKENS_PER_MESSAGE = 4;

/**
 * Tokens counted for one image. 765 is what OpenAI bills a 1024x1024 image at high detail; most
 * images cost less, so a reservation made with it errs on the safe side.
 */
const TOKENS_PER_IMAGE = 765;

/**
 * Estimates the tokens of a text: ceil(chars / 4), the usual rule of thumb for English with BPE
 * tokenizers. Used only where a provider does not report usage, never instead of a report.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Estimates the input tokens of a request, on the high side, for budget reservations and for
 * billing a call whose provider reported no usage:
 *
 *     ceil(chars / 4) + 4 * messages + 765 * images
 *
 * where chars counts message text, tool-call names and arguments, tool definitions (as JSON)
 * and the base64 payload of audio and file parts (providers tokenise media far more compactly
 * than text, so this overestimates them; a reservation is settled with the actual usage).
 */
export function estimateRequestInputTokens(request: ChatCompletionRequest): number {
  let chars = 0;
  let fixed = 0;
  for (const message of request.messages) {
    fixed += TOKENS_PER_MESSAGE;
    const content = message.content;
    if (typeof content === 'string') {
      chars += content.length;
    } else if (content) {
      for (const part of content) {
        switch (part.type) {
          case 'text':
            chars += part.text.length;
            break;
          case 'refusal':
            chars += part.refusal.length;
            break;
          case 'image_url':
            fixed += TOKENS_PER_IMAGE;
            break;
          case 'input_audio':
            chars += part.input_audio.data.length;
            break;
          case 'file':
            chars += part.file.file_data?.length ?? TOKENS_PER_IMAGE * 4;
            break;
        }
      }
    }
    if (message.role === 'assistant' && message.tool_calls) {
      for (const call of message.tool_calls) {
        chars += call.function.name.length + call.function.arguments.length;
      }
    }
  }
  if (request.tools && request.tools.length > 0) chars += JSON.stringify(request.tools).length;
  return Math.ceil(chars / 4) + fixed;
}
