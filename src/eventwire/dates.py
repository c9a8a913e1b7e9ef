"""Event dates from the sentence's temporal expressions, resolved against publication.

INTERFACE:

    resolve_date(sentence: Span, trigger: Token | None, published: date | None)
        -> tuple[date | None, str]       # (date, precision: day|week|month|year|publication)
    parse_dateline(text: str) -> date | None   # "KHAN YOUNIS, Aug 14 (Reuters) -", Wikinews "Friday, January 4, 2019"

With no temporal clue the event gets the publication date and precision "publication";
with no publication date either, (None, "publication").
"""
