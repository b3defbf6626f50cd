"""The ONE HTML sanitiser for rich text written by the school (homework, lesson content, posts).

A tight allow-list: what a teacher's formatting buttons produce and nothing else. Links keep only
http/https/mailto and always get rel="noopener noreferrer"; scripts and styles lose their content.
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "u", "ul", "ol", "li", "a", "h3", "h4", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# These tags are dropped with their content (their text would be code, not prose).
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}


def sanitize_html(text: str) -> str:
    """Inert, allow-listed HTML; safe to insert with innerHTML on any page."""
    return nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML (for previews and PDF letters)."""
    return nh3.clean(html or "", tags=set()).strip()
