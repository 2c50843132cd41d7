"""OpenAI-style chat completions and server-sent-event streams over the Markov model.

Clients written for OpenAI's API (and autoui's chat mapping) expect exact shapes:
``chat.completion`` objects, or ``data: {...}`` events of ``chat.completion.chunk``
objects ending with ``data: [DONE]``. This module produces those shapes.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterable

from .markov import MarkovModel, ends_sentence
from .schemas import (
    AssistantMessage,
    ChatChoice,
    ChatCompletion,
    ChatCompletionRequest,
    FinishReason,
    Role,
    Usage,
)

DEFAULT_MAX_TOKENS = 60
SKIP_LIMIT = 30  # most words dropped to reach a sentence start
MIN_REPLY_WORDS = 12  # a reply ends at a sentence end only after this many words
DONE_EVENT = "data: [DONE]\n\n"


def sse_event(payload: object) -> str:
    """One server-sent event carrying ``payload`` as compact JSON."""
    return f"data: {json.dumps(payload, separators=(',', ':'), ensure_ascii=False)}\n\n"


async def paced(words: Iterable[str], delay: float) -> AsyncIterator[str]:
    """Yield ``words`` one by one, sleeping ``delay`` seconds before each.

    Sleeping (rather than generating faster) is what makes the stream observable:
    the Markov chain itself produces a word in microseconds.
    """
    for word in words:
        await asyncio.sleep(delay)
        yield word


async def delta_stream(words: Iterable[str], delay: float) -> AsyncIterator[str]:
    """Minimal OpenAI-style stream: one ``choices[0].delta.content`` event per word."""
    async for word in paced(words, delay):
        yield sse_event({"choices": [{"delta": {"content": word + " "}}]})
    yield DONE_EVENT


def prompt_of(request: ChatCompletionRequest) -> str:
    """The text that seeds the reply: the last user message, else the last message."""
    for message in reversed(request.messages):
        if message.role is Role.user:
            return message.content
    return request.messages[-1].content


def reply_words(
    model: MarkovModel, request: ChatCompletionRequest
) -> tuple[list[str], FinishReason]:
    """The reply's words and OpenAI finish reason ('stop' or 'length').

    A plain continuation would start mid-sentence ("...socket" -> "object. The...")
    and read as a broken answer, so the words that finish the user's sentence are
    dropped (up to ``SKIP_LIMIT``), and the reply ends at the first sentence end once
    it has ``MIN_REPLY_WORDS`` words, or when the word budget runs out.
    """
    budget = request.max_tokens or DEFAULT_MAX_TOKENS
    words = list(
        model.iter_words(
            prompt_of(request),
            SKIP_LIMIT + budget,
            seed=request.seed,
            temperature=request.temperature,
        )
    )
    start = next((i + 1 for i, w in enumerate(words[:SKIP_LIMIT]) if ends_sentence(w)), 0)
    reply = words[start : start + budget]
    for count, word in enumerate(reply, 1):
        if count >= min(MIN_REPLY_WORDS, budget) and ends_sentence(word):
            return reply[:count], "stop"
    return reply, "length"


def complete(model: MarkovModel, request: ChatCompletionRequest) -> ChatCompletion:
    """A non-streaming ``chat.completion`` object."""
    words, finish_reason = reply_words(model, request)
    prompt_tokens = sum(len(m.content.split()) for m in request.messages)
    return ChatCompletion(
        id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        model=request.model,
        choices=[
            ChatChoice(
                index=0,
                message=AssistantMessage(content=" ".join(words)),
                finish_reason=finish_reason,
            )
        ],
        usage=Usage(
            prompt_tokens=prompt_tokens,
            completion_tokens=len(words),
            total_tokens=prompt_tokens + len(words),
        ),
    )


async def complete_stream(
    model: MarkovModel, request: ChatCompletionRequest, delay: float = 0.02
) -> AsyncIterator[str]:
    """A ``chat.completion.chunk`` event stream, as OpenAI sends with ``stream=true``.

    The first chunk carries the role, each following one a word (with the space that
    separates it from the previous word, so concatenating deltas gives the text), the
    last an empty delta with the finish reason, then ``[DONE]``.
    """
    words, finish_reason = reply_words(model, request)
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.model,
    }

    def chunk(delta: dict[str, str], finish_reason: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason}
        return sse_event({**base, "choices": [choice]})

    yield chunk({"role": "assistant", "content": ""})
    index = 0
    async for word in paced(words, delay):
        yield chunk({"content": word if index == 0 else " " + word})
        index += 1
    yield chunk({}, finish_reason)
    yield DONE_EVENT
