"""The text layer: reading inputs (files, feeds, WARC, stdin), bytes to text, HTML to text, cleaning pages
into documents, language, dates written on a page, near-duplicates; intake (every Article normalised and
checked once, at the edge). Imports nothing above records/config."""
