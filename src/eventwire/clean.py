"""Article -> cleaned Articles: main text vs teasers vs captions vs credits; HTML to text.

INTERFACE:

    clean_article(article: Article, *, settings: Settings) -> list[Article]
        # first item: the main article (kind="article"); then teasers (kind="teaser",
        # parent=<main id>, id=f"{main id}#teaser-{n}") and, where kept separately,
        # captions (kind="caption"). Raises ArticleRejected(reason) for empty, binary,
        # non-English (reason "language: xx") documents.
"""
