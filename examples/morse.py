"""Text to International Morse code, and Morse code to a WAV file.

Morse audio is real, checkable speech-free "text to audio": the output length
depends on the text, it plays in any browser, and it needs only the standard
library's :mod:`wave` module.
"""

from __future__ import annotations

import io
import math
import struct
import wave

# fmt: off
MORSE: dict[str, str] = {
    "A": ".-", "B": "-...", "C": "-.-.", "D": "-..", "E": ".", "F": "..-.", "G": "--.",
    "H": "....", "I": "..", "J": ".---", "K": "-.-", "L": ".-..", "M": "--", "N": "-.",
    "O": "---", "P": ".--.", "Q": "--.-", "R": ".-.", "S": "...", "T": "-", "U": "..-",
    "V": "...-", "W": ".--", "X": "-..-", "Y": "-.--", "Z": "--..",
    "0": "-----", "1": ".----", "2": "..---", "3": "...--", "4": "....-",
    "5": ".....", "6": "-....", "7": "--...", "8": "---..", "9": "----.",
    ".": ".-.-.-", ",": "--..--", "?": "..--..", "'": ".----.", "!": "-.-.--",
    "/": "-..-.", "(": "-.--.", ")": "-.--.-", "&": ".-...", ":": "---...",
    ";": "-.-.-.", "=": "-...-", "+": ".-.-.", "-": "-....-", "_": "..--.-",
    '"': ".-..-.", "$": "...-..-", "@": ".--.-.",
}
# fmt: on

SAMPLE_RATE = 8000
TONE_HZ = 600.0
AMPLITUDE = 0.5  # of full scale, leaving headroom
RAMP_SECONDS = 0.005  # fade each tone in and out so it does not click


def encode(text: str) -> str:
    """Morse for ``text``: letters separated by spaces, words by `` / ``.

    Characters with no Morse code are dropped rather than rejected, so ordinary prose
    with, say, an emoji still plays.
    """
    words = []
    for word in text.upper().split():
        letters = [MORSE[ch] for ch in word if ch in MORSE]
        if letters:
            words.append(" ".join(letters))
    return " / ".join(words)


def unit_seconds(wpm: int) -> float:
    """Length of one dot at ``wpm`` words per minute (PARIS standard: 50 units a word)."""
    return 1.2 / wpm


def timeline(code: str) -> list[tuple[bool, int]]:
    """(tone on?, length in units) segments for a Morse string from :func:`encode`.

    Dot 1 unit, dash 3, gap inside a letter 1, between letters 3, between words 7.
    """
    segments: list[tuple[bool, int]] = []
    for w_index, word in enumerate(code.split(" / ")):
        if w_index:
            segments.append((False, 7))
        for l_index, letter in enumerate(word.split(" ")):
            if l_index:
                segments.append((False, 3))
            for s_index, symbol in enumerate(letter):
                if s_index:
                    segments.append((False, 1))
                segments.append((True, 1 if symbol == "." else 3))
    return segments


def _tone(samples: int) -> bytes:
    """A sine burst of ``samples`` 16-bit samples with short linear fades."""
    ramp = max(1, min(int(RAMP_SECONDS * SAMPLE_RATE), samples // 2))
    peak = AMPLITUDE * 32767
    frames = []
    for i in range(samples):
        envelope = min(1.0, i / ramp, (samples - 1 - i) / ramp)
        value = peak * envelope * math.sin(2 * math.pi * TONE_HZ * i / SAMPLE_RATE)
        frames.append(int(value))
    return struct.pack(f"<{samples}h", *frames)


def to_wav(code: str, wpm: int) -> bytes:
    """A mono 16-bit PCM WAV file playing ``code`` at ``wpm`` words per minute."""
    unit = round(unit_seconds(wpm) * SAMPLE_RATE)
    tones = {units: _tone(units * unit) for units in (1, 3)}
    silence = b"\x00\x00" * unit
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(silence)  # a short lead-in so players do not clip the first dot
        for tone_on, units in timeline(code):
            wav.writeframes(tones[units] if tone_on else silence * units)
        wav.writeframes(silence)
    return buffer.getvalue()
