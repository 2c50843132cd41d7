"""A word-level Markov chain text generator trained on standard-library docstrings.

The docstrings of a fixed list of Python standard-library modules are a corpus that
exists on every Python install, needs no download and has plain English prose, so the
example API can generate text offline.  The chain is order 2 (the next word depends on
the two previous ones) with an order-1 fallback when a pair was never seen, which keeps
the output locally grammatical while still continuing any prompt.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import random
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

# A fixed list (not "every module found") so the corpus, and therefore the output for
# a given seed, does not depend on what else happens to be installed.
# fmt: off
CORPUS_MODULES: tuple[str, ...] = (
    "abc", "argparse", "array", "asyncio", "base64", "bisect", "calendar", "cmd",
    "codecs", "collections", "configparser", "contextlib", "copy", "csv", "dataclasses",
    "datetime", "decimal", "difflib", "email.message", "enum", "filecmp", "fnmatch",
    "fractions", "ftplib", "functools", "getopt", "glob", "gzip", "hashlib", "heapq",
    "hmac", "html.parser", "http.client", "http.server", "imaplib", "inspect",
    "io", "ipaddress", "itertools", "json", "logging", "mailbox", "math", "mimetypes",
    "multiprocessing", "numbers", "operator", "optparse", "os", "pathlib", "pickle",
    "pkgutil", "platform", "plistlib", "poplib", "pprint", "queue", "random", "re",
    "sched", "secrets", "selectors", "shelve", "shlex", "shutil", "signal", "smtplib",
    "socket", "socketserver", "sqlite3", "ssl", "statistics", "string", "struct",
    "subprocess", "tarfile", "tempfile", "textwrap", "threading", "timeit", "tokenize",
    "traceback", "types", "typing", "unittest", "urllib.parse", "urllib.request", "uuid",
    "warnings", "weakref", "xml.dom.minidom", "zipfile", "zlib",
)
# fmt: on

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_ROLE = re.compile(r":[a-z:]+:`~?([^`]*)`")  # reST roles such as :func:`open`
_STRIP_CHARS = str.maketrans("", "", '`*()[]{}"')
# A word with optional trailing punctuation; tokens that look like code reject the
# whole sentence, because dropping single tokens would glue unrelated words together.
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*[.,;:!?]?")
_PUNCT = ".,;:!?'\"()[]{}`*-"


def normalize(word: str) -> str:
    """Lower-case a token and strip surrounding punctuation, for lookups by plain word."""
    return word.strip(_PUNCT).lower()


def iter_docstrings(module_names: Iterable[str] = CORPUS_MODULES) -> Iterator[str]:
    """Yield the docstrings of each module, its public classes, functions and methods.

    Members are visited in sorted order and only when defined in that module, so the
    corpus is deterministic and re-exported objects are not counted twice.
    """
    seen: set[str] = set()
    for module_name in module_names:
        # Importing and reading attributes of some modules warns (typing.io is
        # deprecated, ...); the corpus only reads their documentation.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                module = importlib.import_module(module_name)
            except ImportError:  # e.g. a Python built without sqlite3 or ssl
                continue
            docs = [inspect.getdoc(obj) for obj in _documented_objects(module)]
        for doc in docs:
            if doc and doc not in seen:
                seen.add(doc)
                yield doc


def _documented_objects(module: object) -> Iterator[object]:
    """The module itself, then its own public functions and classes and their methods."""
    yield module
    module_name = getattr(module, "__name__", "")
    for name, obj in sorted(vars(module).items()):
        if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
            continue
        if inspect.isclass(obj):
            yield obj
            for attr_name, attr in sorted(vars(obj).items()):
                if not attr_name.startswith("_") and callable(attr):
                    yield attr
        elif callable(obj):
            yield obj


def prose_sentences(docstring: str) -> Iterator[list[str]]:
    """Yield the sentences of a docstring that read as prose, each as a list of tokens.

    Doctest lines, indented code blocks and sentences containing code-like tokens are
    skipped: they would make the generated text look like line noise.
    """
    lines = [
        line for line in docstring.splitlines() if not line.startswith(("    ", "\t", ">>>", "..."))
    ]
    text = _ROLE.sub(r"\1", " ".join(lines)).translate(_STRIP_CHARS)
    for sentence in _SENTENCE_SPLIT.split(text):
        tokens = sentence.split()
        if len(tokens) >= 4 and all(_WORD.fullmatch(token) for token in tokens):
            yield tokens


def corpus_tokens(module_names: Iterable[str] = CORPUS_MODULES) -> list[str]:
    """All prose tokens of the corpus, sentence after sentence."""
    tokens: list[str] = []
    for doc in iter_docstrings(module_names):
        for sentence in prose_sentences(doc):
            tokens.extend(sentence)
    return tokens


class MarkovModel:
    """Order-2 word Markov chain with order-1 and plain-word fallbacks.

    Transition tables map a state to a :class:`~collections.Counter` of next tokens.
    Counters keep insertion order and the corpus order is fixed, so sampling with a
    seeded :class:`random.Random` is reproducible across processes.
    """

    def __init__(self, tokens: Sequence[str]) -> None:
        if len(tokens) < 3:
            raise ValueError("a Markov model needs at least three tokens")
        self.order2: dict[tuple[str, str], Counter[str]] = {}
        self.order1: dict[str, Counter[str]] = {}
        self.by_word: dict[str, Counter[str]] = {}  # normalized word -> raw next tokens
        self.followers: dict[str, Counter[str]] = {}  # normalized -> normalized
        self.starts: list[str] = [tokens[0]]
        for prev2, prev1, token in zip(tokens, tokens[1:], tokens[2:], strict=False):
            self.order2.setdefault((prev2, prev1), Counter())[token] += 1
        for prev, token in itertools.pairwise(tokens):
            self.order1.setdefault(prev, Counter())[token] += 1
            self.by_word.setdefault(normalize(prev), Counter())[token] += 1
            if normalize(token):
                self.followers.setdefault(normalize(prev), Counter())[normalize(token)] += 1
            if ends_sentence(prev) and token[:1].isupper():
                self.starts.append(token)
        self.token_count = len(tokens)

    def next_token(self, context: Sequence[str], rng: random.Random, temperature: float) -> str:
        """Pick the token after ``context``, backing off from order 2 to order 1 to a start."""
        candidates = None
        if len(context) >= 2:
            candidates = self.order2.get((context[-2], context[-1]))
        if not candidates and context:
            candidates = self.order1.get(context[-1]) or self.by_word.get(normalize(context[-1]))
        if not candidates:
            return rng.choice(self.starts)
        return _sample(candidates, rng, temperature)

    def iter_words(
        self,
        prompt: str,
        max_words: int,
        seed: int | None = None,
        temperature: float = 1.0,
    ) -> Iterator[str]:
        """Yield ``max_words`` words continuing ``prompt`` (the prompt is not repeated)."""
        rng = random.Random(seed)
        context = prompt.split()[-2:]
        for _ in range(max_words):
            token = self.next_token(context, rng, temperature)
            context = [*context[-1:], token]
            yield token

    def continue_text(
        self,
        prompt: str,
        max_words: int,
        seed: int | None = None,
        temperature: float = 1.0,
    ) -> str:
        """Return only the generated continuation of ``prompt``, as one string."""
        return " ".join(self.iter_words(prompt, max_words, seed, temperature))

    def generate(self, prompt: str, max_words: int, seed: int | None = None) -> str:
        """Return ``prompt`` followed by its generated continuation."""
        continuation = self.continue_text(prompt, max_words, seed)
        return join_prompt(prompt, continuation)

    def followers_of(self, word: str, limit: int, min_count: int = 1) -> list[tuple[str, int]]:
        """The most frequent (normalized) words that follow ``word``, most frequent first.

        Raises :class:`KeyError` when the word never occurs before another word.
        """
        counts = self.followers[normalize(word)]
        return [(w, c) for w, c in counts.most_common() if c >= min_count][:limit]


def ends_sentence(token: str) -> bool:
    """Whether ``token`` closes a sentence."""
    return token.endswith((".", "!", "?"))


def join_prompt(prompt: str, continuation: str) -> str:
    """Append ``continuation`` to ``prompt`` with exactly one separating space."""
    if not prompt or prompt[-1].isspace():
        return prompt + continuation
    return f"{prompt} {continuation}"


def _sample(counts: Counter[str], rng: random.Random, temperature: float) -> str:
    """Sample a token proportionally to ``count ** (1 / temperature)``.

    Temperature 0 is greedy (the most frequent token), 1 follows the corpus statistics
    and higher values flatten the distribution, as with a language model's logits.
    """
    if temperature <= 0:
        return counts.most_common(1)[0][0]
    tokens = list(counts)
    weights = [count ** (1.0 / temperature) for count in counts.values()]
    return rng.choices(tokens, weights=weights)[0]


@lru_cache(maxsize=1)
def default_model() -> MarkovModel:
    """The model trained on :data:`CORPUS_MODULES`, built once per process."""
    return MarkovModel(corpus_tokens())
