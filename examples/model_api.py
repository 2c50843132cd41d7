"""The example model API that ``autoui demo`` serves.

Each endpoint does real work on the CPU, offline, so that what the generated UI shows
comes from the input rather than from canned answers. Run it alone with::

    python -m autoui_examples.model_api --port 5000
"""

from __future__ import annotations

import argparse
import sys
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

if __package__ in (None, ""):  # run as a file: python examples/model_api.py
    import importlib.util

    _here = Path(__file__).resolve().parent
    _spec = importlib.util.spec_from_file_location(
        "autoui_examples", _here / "__init__.py", submodule_search_locations=[str(_here)]
    )
    assert _spec is not None and _spec.loader is not None
    _package = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_package)
    sys.modules.setdefault("autoui_examples", _package)
    __package__ = "autoui_examples"

# The imports below must follow the bootstrap above.
from fastapi import FastAPI, Header, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import Response, StreamingResponse
from PIL import Image

from . import chat, imaging, morse
from .markov import MarkovModel, default_model
from .schemas import (
    ChatCompletion,
    ChatCompletionRequest,
    Follower,
    GenerateRequest,
    GenerateResponse,
    GenerateStreamRequest,
    Health,
    ImageDescriptionResponse,
    ImageRequest,
    SentimentLabel,
    SentimentRequest,
    SentimentResponse,
    SentimentScores,
    SpeakRequest,
    TransformRequest,
    WordFollowers,
)

DESCRIPTION = """\
A small model API that runs offline on the CPU, bundled with **autoui** to show what
it builds from an OpenAPI document: text generation (plain, streamed and
OpenAI-compatible chat) from a Markov chain trained on Python's standard-library
docstrings, image description and transforms with Pillow, VADER sentiment, Morse-code
audio and PDF reports.
"""

TAGS: list[dict[str, Any]] = [
    {"name": "text", "description": "Markov-chain text generation and corpus look-ups."},
    {"name": "chat", "description": "OpenAI-compatible chat completions."},
    {"name": "image", "description": "Image analysis and transforms with Pillow."},
    {"name": "analysis", "description": "Sentiment analysis with the VADER lexicon."},
    {"name": "audio", "description": "Text as Morse-code audio."},
    {"name": "documents", "description": "Generated files."},
    {"name": "meta", "description": "Service status."},
]

SSE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-sent events, one per generated word, ending with `data: [DONE]`.",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


def _load_image(data: str) -> Image.Image:
    """Decode the request's image, turning decoding problems into HTTP 422."""
    try:
        return imaging.decode_image(data)
    except imaging.ImageError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


@lru_cache(maxsize=1)
def _sentiment_analyzer() -> Any:
    """VADER's analyzer, loaded on first use: it is an optional extra of autoui."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as exc:
        raise HTTPException(
            status_code=503,
            detail="sentiment needs the vaderSentiment package: pip install 'autoui[examples]'",
        ) from exc
    return SentimentIntensityAnalyzer()


def create_app(model: MarkovModel | None = None) -> FastAPI:
    """Build the example API; ``model`` defaults to the stdlib-docstring Markov chain.

    The model is trained here, at start-up, so the first request is not slow.
    """
    markov = model or default_model()
    app = FastAPI(
        title="autoui example model API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
    )

    @app.post("/generate", tags=["text"], summary="Continue a prompt")
    def generate(body: GenerateRequest) -> GenerateResponse:
        """Continue the prompt with a word-level Markov chain (order 2, order-1 fallback)."""
        return GenerateResponse(response=markov.generate(body.prompt, body.max_words, body.seed))

    @app.post(
        "/generate/stream",
        tags=["text"],
        summary="Continue a prompt, streamed",
        response_class=StreamingResponse,
        responses=SSE_RESPONSE,
    )
    def generate_stream(body: GenerateStreamRequest) -> StreamingResponse:
        """Like `/generate`, but sends only the new words, one server-sent event each,
        as `data: {"choices":[{"delta":{"content":"word "}}]}`, then `data: [DONE]`.
        """
        words = markov.iter_words(body.prompt, body.max_words, body.seed)
        return StreamingResponse(
            chat.delta_stream(words, body.delay), media_type="text/event-stream"
        )

    @app.get("/words/{word}", tags=["text"], summary="Words that follow a word")
    def words(
        word: Annotated[str, PathParam(description="A word of the corpus, e.g. `the`.")],
        response: Response,
        limit: Annotated[int, Query(ge=1, le=100, description="Most followers to list.")] = 10,
        min_count: Annotated[int, Query(ge=1, description="Leave out rarer followers.")] = 1,
        x_request_id: Annotated[
            str | None, Header(alias="X-Request-Id", description="Echoed in the reply.")
        ] = None,
    ) -> WordFollowers:
        """List the words that follow `word` in the Markov corpus, most frequent first."""
        if x_request_id is not None:
            response.headers["X-Request-Id"] = x_request_id
        try:
            pairs = markov.followers_of(word, limit, min_count)
        except KeyError:
            raise HTTPException(
                status_code=404, detail=f"the word {word!r} does not occur in the corpus"
            ) from None
        followers = [Follower(word=w, count=c) for w, c in pairs]
        return WordFollowers(word=word.lower(), followers=followers)

    @app.post(
        "/v1/chat/completions",
        tags=["chat"],
        summary="Chat completion (OpenAI-compatible)",
        response_model=ChatCompletion,
        responses={
            200: {
                "description": "A `chat.completion` object; with `stream: true`, server-sent "
                "`chat.completion.chunk` events ending with `data: [DONE]`.",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            }
        },
    )
    def chat_completions(body: ChatCompletionRequest) -> ChatCompletion | StreamingResponse:
        """Answer the last user message with the Markov model, in OpenAI's format;
        with `stream: true`, as `chat.completion.chunk` server-sent events.
        """
        if body.stream:
            return StreamingResponse(
                chat.complete_stream(markov, body), media_type="text/event-stream"
            )
        return chat.complete(markov, body)

    @app.post("/describe_image", tags=["image"], summary="Describe an image")
    def describe_image(body: ImageRequest) -> ImageDescriptionResponse:
        """Measure size, colours, brightness, contrast and sharpness, and say it in words.

        Replies 422 when `image` is not base64 of an image file.
        """
        info = imaging.describe(_load_image(body.image))
        return ImageDescriptionResponse.model_validate(info.to_dict())

    @app.post(
        "/transform",
        tags=["image"],
        summary="Transform an image",
        response_class=Response,
        responses={200: {"content": {"image/png": {}}}},
    )
    def transform(body: TransformRequest) -> Response:
        """Apply one operation to the image and return the result as PNG.

        Replies 422 when `image` is not base64 of an image file.
        """
        result = imaging.transform(_load_image(body.image), body.operation, body.amount)
        return Response(imaging.encode_png(result), media_type="image/png")

    @app.post("/sentiment", tags=["analysis"], summary="Rate the sentiment of a text")
    def sentiment(body: SentimentRequest) -> SentimentResponse:
        """Score English text with the VADER lexicon (thresholds ±0.05, as its authors advise)."""
        scores = _sentiment_analyzer().polarity_scores(body.text)
        compound = scores["compound"]
        if compound >= 0.05:
            label = SentimentLabel.positive
        elif compound <= -0.05:
            label = SentimentLabel.negative
        else:
            label = SentimentLabel.neutral
        return SentimentResponse(
            label=label,
            scores=SentimentScores(
                positive=scores["pos"], negative=scores["neg"], neutral=scores["neu"]
            ),
            compound=compound,
        )

    @app.post(
        "/speak",
        tags=["audio"],
        summary="Text to Morse-code audio",
        response_class=Response,
        responses={
            200: {
                "content": {"audio/wav": {}},
                "headers": {
                    "X-Morse-Code": {
                        "description": "The Morse code played.",
                        "schema": {"type": "string"},
                    }
                },
            },
        },
    )
    def speak(body: SpeakRequest) -> Response:
        """Play the text as Morse code: a 600 Hz tone, 8 kHz mono 16-bit WAV.

        The `X-Morse-Code` reply header holds the code; 422 if no character can be sent.
        """
        code = morse.encode(body.text)
        if not code:
            raise HTTPException(
                status_code=422, detail="the text has no character that Morse code can send"
            )
        return Response(
            morse.to_wav(code, body.wpm), media_type="audio/wav", headers={"X-Morse-Code": code}
        )

    @app.post(
        "/report",
        tags=["documents"],
        summary="PDF report about an image",
        response_class=Response,
        responses={
            200: {
                "content": {"application/pdf": {}},
                "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
            },
        },
    )
    def report(body: ImageRequest) -> Response:
        """A one-page PDF with the image, its description and its main colours.

        Replies 422 when `image` is not base64 of an image file.
        """
        image = _load_image(body.image)
        pdf = imaging.report_pdf(image, imaging.describe(image))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": 'attachment; filename="report.pdf"'},
        )

    @app.get("/health", tags=["meta"], summary="Service status")
    def health() -> Health:
        """Always `{"status": "ok"}` once the app has started (the model is trained)."""
        return Health()

    return app


def main(argv: list[str] | None = None) -> None:
    """Serve the API with uvicorn on loopback (port 5000 unless told otherwise)."""
    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the autoui example model API.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=5000, help="port (default: 5000)")
    args = parser.parse_args(argv)
    uvicorn.run(create_app(), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
