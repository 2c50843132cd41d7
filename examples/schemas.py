"""Pydantic request and reply models of the example API.

They exist mostly for the OpenAPI document: every field has a description, bounds and
an example, because that document is exactly what autoui reads to build its UI.
"""

from __future__ import annotations

import base64
import io
from enum import Enum
from typing import Literal

from PIL import Image
from pydantic import BaseModel, ConfigDict, Field

from .imaging import TRANSFORM_HELP, Operation


def _example_png() -> str:
    """Base64 of a 4x4 red PNG: small enough to paste, real enough to decode."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (220, 20, 30)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


EXAMPLE_PNG = _example_png()
IMAGE_DESCRIPTION = "The image file (JPEG or PNG), base64-encoded."


# --- text generation -------------------------------------------------------------------


class GenerateRequest(BaseModel):
    """Continue a prompt with the Markov chain."""

    prompt: str = Field(
        max_length=2000,
        description="Text to continue. The reply starts with it.",
        examples=["The file object"],
    )
    max_words: int = Field(40, ge=1, le=200, description="How many words to add.")
    seed: int | None = Field(
        None,
        description="Random seed: the same seed and prompt give the same text. "
        "Leave empty for a different text each time.",
        examples=[42],
    )


class GenerateStreamRequest(GenerateRequest):
    """Like `GenerateRequest`, plus a per-word delay so streaming is visible."""

    delay: float = Field(0.05, ge=0, le=2, description="Seconds to wait before sending each word.")


class GenerateResponse(BaseModel):
    response: str = Field(description="The prompt followed by the generated words.")


class Follower(BaseModel):
    word: str = Field(description="A word that follows the requested word.")
    count: int = Field(description="How often it does so in the corpus.")


class WordFollowers(BaseModel):
    word: str = Field(description="The requested word, lower-cased.")
    followers: list[Follower] = Field(description="Most frequent followers first.")


# --- images ------------------------------------------------------------------------------


class ImageRequest(BaseModel):
    # `image: string` without `format`, as most real APIs publish base64 fields:
    # recognising it as an image is autoui's job.
    image: str = Field(description=IMAGE_DESCRIPTION, examples=[EXAMPLE_PNG])


class TransformRequest(BaseModel):
    image: str = Field(description=IMAGE_DESCRIPTION, examples=[EXAMPLE_PNG])
    operation: Operation = Field(description="What to do to the image.")
    amount: float = Field(2, ge=0, le=10, description=TRANSFORM_HELP)


class ColorShare(BaseModel):
    name: str = Field(description="Colour name from a small everyday palette.")
    hex: str = Field(description="The measured colour as #rrggbb.", examples=["#dc141e"])
    share: float = Field(description="Fraction of the pixels, 0 to 1.")


class ImageDescriptionResponse(BaseModel):
    description: str = Field(
        description="One sentence about the image.",
        examples=[
            "A 640\u00d7480 landscape image, mostly dark blue and white, bright, "
            "high contrast, with sharp detail."
        ],
    )
    width: int = Field(description="Width in pixels.")
    height: int = Field(description="Height in pixels.")
    orientation: Literal["landscape", "portrait", "square"]
    format: str = Field(description="File format detected by Pillow, e.g. PNG or JPEG.")
    dominant_colors: list[ColorShare] = Field(description="Main colours, largest first.")
    brightness: float = Field(description="0 (black) to 1 (white).")
    contrast: float = Field(description="Standard deviation of luminance, 0 to 1.")
    sharpness: float = Field(description="Strength of the crispest edges, 0 to 1.")


# --- sentiment ---------------------------------------------------------------------------


class SentimentRequest(BaseModel):
    text: str = Field(
        min_length=1,
        max_length=10_000,
        description="English text to rate.",
        examples=["I love this, it is wonderful!"],
    )


class SentimentLabel(str, Enum):
    positive = "positive"
    negative = "negative"
    neutral = "neutral"


class SentimentScores(BaseModel):
    positive: float = Field(description="Share of the text that reads positive, 0 to 1.")
    negative: float = Field(description="Share of the text that reads negative, 0 to 1.")
    neutral: float = Field(description="Share of the text that reads neutral, 0 to 1.")


class SentimentResponse(BaseModel):
    label: SentimentLabel = Field(description="positive if compound ≥ 0.05, negative if ≤ -0.05.")
    scores: SentimentScores
    compound: float = Field(description="Overall score from -1 (negative) to 1 (positive).")


# --- audio -------------------------------------------------------------------------------


class SpeakRequest(BaseModel):
    text: str = Field(
        min_length=1,
        max_length=280,
        description="Text to send as Morse code (letters, digits, common punctuation).",
        examples=["SOS"],
    )
    wpm: int = Field(20, ge=5, le=40, description="Speed in words per minute.")


# --- OpenAI-compatible chat --------------------------------------------------------------


class Role(str, Enum):
    system = "system"
    user = "user"
    assistant = "assistant"


class ChatMessage(BaseModel):
    role: Role
    content: str = Field(description="The message text.")


class ChatCompletionRequest(BaseModel):
    """The subset of OpenAI's chat-completion request this model understands.

    Unknown fields (`top_p`, `n`, ...) are accepted and ignored, as many
    OpenAI-compatible servers do, so stock clients work unchanged.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "model": "markov",
                    "messages": [
                        {"role": "system", "content": "You are terse."},
                        {"role": "user", "content": "Tell me about the socket"},
                    ],
                    "max_tokens": 40,
                }
            ]
        }
    )

    model: str = Field("markov", description="Model name; only 'markov' exists.")
    messages: list[ChatMessage] = Field(
        min_length=1, description="The conversation so far; the last user message seeds the reply."
    )
    temperature: float = Field(
        1.0, ge=0, le=2, description="0 always picks the most frequent next word."
    )
    max_tokens: int | None = Field(
        None, ge=1, le=200, description="Most words to generate (default 60)."
    )
    stream: bool = Field(False, description="Reply as server-sent events, word by word.")
    seed: int | None = Field(None, description="Random seed for reproducible replies.")


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


FinishReason = Literal["stop", "length"]


class ChatChoice(BaseModel):
    index: int
    message: AssistantMessage
    finish_reason: FinishReason


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage


class Health(BaseModel):
    status: Literal["ok"] = "ok"
