"""Plain text shown in Gradio's Markdown: every status line, problem and note goes
through `markdown()`.

A message is written once, as plain text, for people and for logs alike (the same
text is a gradio_client error and a log line). Shown in Markdown it must read exactly
as written, with no escape in sight:

- a URL is a link whose text and target are the URL exactly: an autolink (`<url>`),
  inside which nothing is escaped (a backslash there would show, and break the link);
- what is in backticks stays a code span, and a command-line option (`--timeout`) is
  shown as one, as the user types it;
- everything else has its Markdown punctuation escaped, so a `*`, `_` or `<` in a
  value the API sent back shows as itself and starts no emphasis, list or tag.
"""

from __future__ import annotations

import re

_TOKENS = re.compile(
    r"(?P<code>`[^`\n]+`)"
    r"|(?P<url>\bhttps?://[^\s<>`'\"]+)"
    r"|(?P<option>(?<![\w-])--[a-z][a-z0-9-]*)"
)
# Kept out of a URL's end: the sentence's punctuation (`at http://host:8000: refused`).
_URL_END = ".,;:!?)]}"
# CommonMark lets a backslash escape any ASCII punctuation; these could start markup.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&])")


def markdown(text: str) -> str:
    """`text` as Markdown that shows it as written, with working links (see module doc)."""
    out: list[str] = []
    done = 0
    for match in _TOKENS.finditer(text):
        out.append(_escape(text[done : match.start()]))
        done = match.end()
        if match["code"]:
            out.append(match["code"])
        elif match["option"]:
            out.append(f"`{match['option']}`")
        else:
            url = match["url"].rstrip(_URL_END)
            out.append(f"<{url}>" + _escape(match["url"][len(url) :]))
    out.append(_escape(text[done:]))
    return "".join(out)


def _escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)
