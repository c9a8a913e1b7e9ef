"""Read inputs into Articles: files, folders, .gz, JSONL, HTML, feeds, standard input.

INTERFACE:

    for item in read_inputs(["a.jsonl", "pages/", "-"], settings=settings, stdin=sys.stdin.buffer):
        item is Article | Rejected       # in input order, deterministically (folders sorted)

Raises ``InputError`` only for an unusable argument (path does not exist); every problem
inside a file becomes a ``Rejected`` with the doc id (or file:line) and a reason.
"""
