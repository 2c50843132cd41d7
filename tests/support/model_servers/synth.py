"""What the fake models answer, computed from what they were asked.

No canned replies: a test can tell from an answer which request produced it. Text is
an echo of the prompt, token by token; an embedding is a unit vector hashed from the
text; a picture is a PNG of the requested size whose colour comes from the prompt; a
sound is a tone (WAV) or silent MPEG frames (MP3) whose length grows with the text.
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
import struct
import wave

from PIL import Image

SAMPLE_RATE = 8000
SECONDS_PER_CHARACTER = 0.05


def echo_tokens(prompt: str, limit: int | None = None, prefix: str = "Echo:") -> list[str]:
    """The answer to `prompt`, as tokens: the prefix, then the prompt's words."""
    tokens = [prefix, *(f" {word}" for word in prompt.split())]
    return tokens if limit is None else tokens[: max(limit, 0)]


def chat_tokens(user_turns: list[str], limit: int | None = None) -> list[str]:
    """A chat answer that says how many user turns were sent and echoes the last one,
    so a test can tell whether the history went with the message."""
    return echo_tokens(user_turns[-1] if user_turns else "", limit, f"Turn {len(user_turns)}:")


def embedding(text: str, dimensions: int = 8) -> list[float]:
    """A deterministic unit vector for `text`."""
    raw = []
    for i in range(dimensions):
        digest = hashlib.sha256(f"{i}:{text}".encode()).digest()
        raw.append(int.from_bytes(digest[:4], "big") / 2**31 - 1.0)
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [round(x / norm, 6) for x in raw]


def colour(prompt: str, index: int = 0) -> tuple[int, int, int]:
    digest = hashlib.sha256(f"{index}:{prompt}".encode()).digest()
    return digest[0], digest[1], digest[2]


def png(prompt: str, width: int, height: int, index: int = 0) -> bytes:
    """A PNG of exactly `width` x `height` pixels, its colour drawn from the prompt."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour(prompt, index)).save(out, format="PNG")
    return out.getvalue()


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def speech_seconds(text: str) -> float:
    return min(max(len(text) * SECONDS_PER_CHARACTER, 0.2), 5.0)


def wav_tone(seconds: float, frequency: float = 440.0) -> bytes:
    """A real mono 16-bit WAV: a sine tone of `seconds`."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        frames = int(seconds * SAMPLE_RATE)
        wav.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * frequency * i / SAMPLE_RATE)))
                for i in range(frames)
            )
        )
    return out.getvalue()


# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono, no CRC: 417-byte frames of 1152 samples.
# All-zero side information and main data decode as silence in every decoder (browsers
# included), which is what a fake without an MP3 encoder can honestly produce.
_MP3_HEADER = bytes([0xFF, 0xFB, 0x90, 0xC4])
_MP3_FRAME = 417
_MP3_FRAME_SECONDS = 1152 / 44100


def mp3_silence(seconds: float) -> bytes:
    frames = max(1, round(seconds / _MP3_FRAME_SECONDS))
    return (_MP3_HEADER + bytes(_MP3_FRAME - len(_MP3_HEADER))) * frames


def wav_seconds(content: bytes) -> float | None:
    """The length of a WAV file, or None when `content` is not one."""
    try:
        with wave.open(io.BytesIO(content), "rb") as wav:
            return wav.getnframes() / wav.getframerate()
    except (wave.Error, EOFError):
        return None


def transcript(content: bytes) -> str:
    """What the fake speech recogniser "hears": the audio's length and size."""
    seconds = wav_seconds(content)
    if seconds is not None:
        return f"I heard {seconds:.1f} seconds of audio."
    return f"I heard {len(content)} bytes of audio."
